export { createEmulator, startEmulator } from './server.ts';
export type { CreatedEmulator } from './server.ts';
export type {
  AppInput,
  ConsentInput,
  ConsentResult,
  Counters,
  EmuSite,
  EmuUser,
  Emulator,
  EmulatorClock,
  EmulatorOptions,
  Faults,
  Product,
  SiteInput,
  UserInput,
} from './types.ts';
