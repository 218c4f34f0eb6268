// Public names of the HTTP layer.
export { createHttpApp, type HttpAppDeps } from './app.js';
export { startHttpServer, type RunningServer } from './server.js';
export { toBookingDto, type BookingDto } from './booking.dto.js';
export type { CameraDto, ServiceControl } from './runtime.routes.js';
