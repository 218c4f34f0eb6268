// The process around a service: configuration from the environment, signals, the shutdown deadline, exit codes.
// Exit codes: 0 clean shutdown; 1 start-up failure or forced stop; 2 bad configuration; 3 the supervisor
// gave up (an actor crash loop), so the service manager or container runtime restarts the process.
// A closed stdout is not an exit path: the log falls back to stderr and the service keeps recording.

import { ConfigError, loadConfig, secretsOf, type Config } from './config.js';
import { describeError, hasCode } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { killOwnMedia, stopOrphanedMedia } from './media/orphans.js';
import type { RunningService } from './service.js';

/** A repeated signal within this time is the same signal delivered twice, not an operator insisting. */
const DUPLICATE_SIGNAL_MS = 1_000;

/** Starts a service from a configuration (the real one, or a test fixture's). */
export type StartFn = (config: Config, logger: Logger) => Promise<RunningService>;

/** Runs `start` as this process: first SIGTERM/SIGINT stops in order, a second one or the deadline exits 1. */
export async function runProcess(start: StartFn): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`venue-recorder: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: secretsOf(config) });
  // No ffmpeg outlives the process: its own media children are killed on every exit (each also dies with its
  // thread, see src/media/dies-with-parent.ts), and those an earlier, killed run left are stopped before recording.
  const bins = [config.recording.ffmpegPath, config.recording.ffprobePath];
  process.on('exit', () => killOwnMedia(bins));
  const orphans = await stopOrphanedMedia(config.dataDir, bins);
  if (orphans.length > 0)
    logger.warn(
      `🎥 RECORDING: stopped ${orphans.length} ffmpeg process(es) an earlier run left (pid ${orphans.join(', ')})`,
    );
  const deadlineMs = config.supervisor.shutdownTimeoutMs;
  let stopping = false;
  let starting: Promise<RunningService> | undefined;
  let firstSignalAt = 0;

  const shutdown = (why: string, code: number) => {
    if (stopping) {
      // `npm start` and `timeout` forward a signal that the process group also received: the same signal arrives
      // twice within milliseconds. Only a deliberate second signal forces the exit.
      if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      logger.warn(`🛑 SHUTDOWN: ${why} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    firstSignalAt = Date.now();
    logger.info(`🛑 SHUTDOWN: ${why}, stopping`);
    setTimeout(() => {
      logger.error(`🛑 SHUTDOWN: not finished within ${deadlineMs / 1000}s, exiting`);
      process.exit(1);
    }, deadlineMs).unref();
    // A signal during start-up waits for the start to finish, then stops in order.
    starting!
      .then((service) => service.stop())
      .then(
        () => {
          logger.info(code === 0 ? '🛑 SHUTDOWN: stopped cleanly' : `🛑 SHUTDOWN: stopped, exiting with code ${code}`);
          process.exit(code);
        },
        (e) => {
          logger.error(`🛑 SHUTDOWN: failed: ${describeError(e)}`);
          process.exit(1);
        },
      );
  };
  // An error nothing caught: logged as one line (no stack trace, redacted), then a stop in order and exit 1, so the
  // service manager restarts the process; the exit listener kills any ffmpeg the stop did not reach.
  process.on('uncaughtException', (e) => {
    logger.error(`💥 CRASH: uncaught error: ${describeError(e)}`);
    if (!starting) process.exit(1);
    shutdown('uncaught error', 1);
  });
  process.on('SIGTERM', () => shutdown('SIGTERM received', 0));
  process.on('SIGINT', () => shutdown('SIGINT received', 0));
  // SIGHUP reads CAMERAS_FILE again (after the start, if it comes during one): only the cameras that changed are
  // touched; a bad file is refused with the reason and the running cameras keep running. Without CAMERAS_FILE the
  // reloader logs why it cannot. (Unhandled, SIGHUP would end the process.)
  process.on('SIGHUP', () => {
    if (stopping) return;
    void starting!
      .then((service) => service.reloadCameras('signal'))
      .catch((e: unknown) => logger.error(`🎥 CAMERAS: reload on SIGHUP failed: ${describeError(e)}`));
  });

  starting = start(config, logger);
  let service: RunningService;
  try {
    service = await starting;
  } catch (e) {
    logger.error(`💥 START: venue-recorder could not start: ${describeError(e)}`);
    process.exit(hasCode(e, 'gave-up') ? 3 : 1);
  }
  void service.gaveUp.then((reason) => {
    if (stopping) return;
    logger.error(`💀 SUPERVISOR: the service gives up (${reason}); exiting so that it is restarted`);
    shutdown('supervisor gave up', 3);
  });
}
