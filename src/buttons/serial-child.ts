// The process that holds the serial port. serialport's native poller runs on the process's main event loop, so it
// cannot be used inside a worker thread (it aborts the whole process: serialport/node-serialport#2250, #2748): a small
// Node child opens the port instead, writes every byte read to its stdout and its state to stderr. A native fault
// there ends only that child, which the line restarts like an unplugged device. It dies with the thread that started
// it (setpriv --pdeathsig, as ffmpeg does), and when its stdin closes.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { SerialPort } from 'serialport';
import { diesWithParent } from '../media/index.js';

// CommonJS run with `node -e`, so that it is the same from the sources and from dist. Arguments: serialport's entry
// and the port's options as JSON. stderr lines: `open`, or `error <reason>` just before it exits 2.
const SCRIPT = `
const [entry, options] = process.argv.slice(1);
const say = (line) => process.stderr.write(line + '\\n');
const fail = (e) => {
  say('error ' + String((e && e.message) || e).replace(/\\s+/g, ' ').slice(0, 500));
  process.exit(2);
};
process.stdin.on('end', () => process.exit(0)).resume();
const { SerialPort } = require(entry);
const port = new SerialPort(JSON.parse(options));
port.on('error', fail);
port.on('close', (e) => fail(e || new Error('the port was closed')));
port.on('data', (chunk) => process.stdout.write(chunk));
port.open((e) => (e ? fail(e) : say('open')));
`;

/** What the port's child reports. */
export interface SerialChildEvents {
  onOpen(): void;
  onData(chunk: Buffer): void;
  /** It ended: the port could not be opened, was lost, or the child itself failed; `reason` says which. */
  onEnd(reason: string): void;
}

/** A running child: `stop()` closes its stdin (it closes the port and exits), then kills it if it lingers. */
export interface SerialChild {
  stop(): Promise<void>;
}

let serialportEntry: string | undefined;

/** Starts the child that opens `path` at `baudRate`. */
export function startSerialChild(path: string, baudRate: number, on: SerialChildEvents): SerialChild {
  serialportEntry ??= createRequire(import.meta.url).resolve('serialport');
  // Typed against serialport's own options: the child passes them to `new SerialPort()` as they are.
  const options: ConstructorParameters<typeof SerialPort>[0] = { path, baudRate, autoOpen: false };
  const run = diesWithParent(process.execPath, [
    '--max-old-space-size=32',
    '-e',
    SCRIPT,
    serialportEntry,
    JSON.stringify(options),
  ]);
  // No environment: the child needs none, and the service's holds its secrets.
  const child: ChildProcess = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
  let lastError: string | undefined;
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    on.onEnd(reason);
  };
  child.stdin!.on('error', () => {});
  child.stdout!.on('data', (chunk: Buffer) => {
    if (!ended) on.onData(chunk);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line === 'open') on.onOpen();
    else if (line.startsWith('error ')) lastError = line.slice(6, 506);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      end(`the serial port's process could not start: ${e.message}`);
      resolve();
    });
    child.once('close', (code, signal) => {
      end(lastError ?? `the serial port's process ended (${signal ?? `exit code ${code}`})`);
      resolve();
    });
  });
  return {
    async stop() {
      ended = true;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
