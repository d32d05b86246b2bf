export { buildApp, API_VERSION } from './app.js';
export { type ServerConfig, configFromEnv } from './config.js';
export { Metrics } from './metrics.js';
export { HTTP_STATUS, problem, statusFor } from './problem.js';
export type { AppContext } from './context.js';
