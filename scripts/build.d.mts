// Types for scripts/build.mjs, which runs under plain node (the launcher imports it) and is imported
// by the test and bench helpers through tsx.
export declare const ROOT: string;
export declare const DIST: string;
export declare const ENTRIES: { main: string; emulator: string };
export declare function fingerprint(): string;
export declare function isStale(): boolean;
export declare function build(): Promise<void>;
export declare class EsbuildMissingError extends Error {}
