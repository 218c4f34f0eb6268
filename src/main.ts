#!/usr/bin/env node
// Process entry: reads the configuration, starts the service, and turns signals into an orderly shutdown.
// Exit codes: 0 after a clean shutdown, 1 on a failure or a forced stop, 2 on a configuration error.

import { ConfigError, loadConfig, secretsOf } from './config.js';
import { describeError } from './errors.js';
import { createLogger } from './log.js';
import { startService } from './service.js';

const SHUTDOWN_DEADLINE_MS = 30_000;

async function main(): Promise<void> {
  let config;
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
  let service;
  try {
    service = await startService(config, logger);
  } catch (e) {
    logger.error(`💥 START: venue-recorder could not start: ${describeError(e)}`);
    process.exit(1);
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`🛑 SHUTDOWN: second ${signal}, exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`🛑 SHUTDOWN: ${signal} received, stopping`);
    setTimeout(() => {
      logger.error(`🛑 SHUTDOWN: not finished within ${SHUTDOWN_DEADLINE_MS / 1000}s, exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    service.stop().then(
      () => {
        logger.info('🛑 SHUTDOWN: stopped cleanly');
        process.exit(0);
      },
      (e) => {
        logger.error(`🛑 SHUTDOWN: failed: ${describeError(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

void main();
