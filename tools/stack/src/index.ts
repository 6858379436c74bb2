export { appServices, childEnv, type AppService } from './app-services.js';
export { exitCodes, runCli, type CliIo } from './cli.js';
export { Stack, type ServiceStatus, type StackOptions, type StartOutcome } from './stack.js';
export { StackError, type StackErrorCode } from './stack-error.js';
export {
  isStackServiceName,
  stackPaths,
  stackServiceNames,
  stackSettingsFromEnv,
  type AppServiceName,
  type StackPorts,
  type StackServiceName,
  type StackSettings,
} from './stack-settings.js';
export type { StopOutcome } from './process-control.js';
