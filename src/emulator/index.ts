export { createEmulator, startEmulator } from './server.ts';
export type { CreatedEmulator } from './server.ts';
export type {
  ApiTokenInput,
  AppInput,
  ConfluencePageInput,
  ConsentInput,
  ConsentResult,
  Counters,
  EmuServiceAccount,
  EmuSite,
  EmuUser,
  Emulator,
  EmulatorClock,
  EmulatorOptions,
  Faults,
  JiraIssueInput,
  JiraIssueRef,
  LoggedRequest,
  Product,
  ServiceAccountInput,
  SiteInput,
  UserInput,
} from './types.ts';
