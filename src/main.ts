#!/usr/bin/env node
// Process entry of venue-recorder: `node dist/main.js` (npm start). See process.ts for signals and exit codes.

import { runProcess } from './process.js';
import { startService } from './service.js';

void runProcess(startService);
