// Public names of the venue video settings: the lenient reading of AYO's answer, the provider of the settings in
// force, the daily refresh of them and of the watermark, and the encoder check.
export { chooseEncoder, deviceArgs, testEncode, type EncoderChoice } from './encoder.js';
export { parseVideoSettings, type AyoVideoSettings, type ParsedVideoSettings } from './parse.js';
export {
  createSettingsProvider,
  type Setting,
  type SettingSource,
  type SettingsProvider,
  type SettingsProviderOptions,
  type VideoSettings,
} from './provider.js';
export { createVenueRefresh, type ReadStatus, type VenueRefresh, type VenueRefreshOptions } from './refresh.js';
export {
  inForceFile,
  readAutoDeleteDaysInForce,
  readClipSecondsInForce,
  settingsFile,
  type StoredSettings,
} from './store.js';
export { settingsDto, type SettingsDto } from './dto.js';
