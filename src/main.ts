#!/usr/bin/env node
// Process entry of venue-recorder: `node dist/main.js` (npm start) runs the service (see process.ts for
// signals and exit codes); `node dist/main.js doctor` (npm run doctor) checks an installation.

import { doctorCommand } from './doctor/run.js';
import { runProcess } from './process.js';
import { startService } from './service.js';

if (process.argv[2] === 'doctor') {
  void doctorCommand().then((code) => process.exit(code));
} else {
  void runProcess(startService);
}
