// Public names of the highlight buttons: the frame parser and serial line (ButtonActor's thread), the desk that
// turns presses into clips (main thread), and ButtonActor's child spec.

export { createFrameParser, type FrameParser, type ParsedChunk } from './frame-parser.js';
export { createLogThrottle } from './log-throttle.js';
export { openSerialLine, type SerialLine, type SerialLineOptions } from './serial-line.js';
export { createButtonDesk, type ButtonsDto, type ButtonsLineDto, type PressOutcome } from './button-desk.js';
export { buttonChildren } from './child-spec.js';
