/** Injection token for the validated {@link PlatformConfig}. */
export const PLATFORM_CONFIG = Symbol.for('npo.platform.config');
/** Injection token for the app's pino logger. */
export const PLATFORM_LOGGER = Symbol.for('npo.platform.logger');
