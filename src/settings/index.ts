// Public names of the venue video settings: the lenient reading of AYO's answer, the provider of the settings in
// force, the daily refresh of them and of the watermark, and the encoder check.
export { chooseEncoder, ffmpegHasEncoder, testEncode, testEncodeArgs, type EncoderChoice } from './encoder.js';
export {
  parseQualities,
  parseVideoSettings,
  SETTING_BOUNDS,
  type AyoVideoSettings,
  type ParsedVideoSettings,
} from './parse.js';
export {
  createSettingsProvider,
  SETTING_DEFAULTS,
  type Setting,
  type SettingSource,
  type SettingsProvider,
  type SettingsProviderOptions,
  type VideoSettings,
} from './provider.js';
export {
  createVenueRefresh,
  VENUE_REFRESH_MS,
  type ReadStatus,
  type VenueRefresh,
  type VenueRefreshOptions,
} from './refresh.js';
export { inForceFile, readClipSecondsInForce, readStoredSettings, settingsFile, type StoredSettings } from './store.js';
export { settingsDto, type SettingsDto } from './dto.js';
