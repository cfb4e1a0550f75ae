// `npm run emulator`: a local Atlassian and GitHub look-alike seeded with demo credentials and content.
// Environment: see config.ts.
import { EnvError, parseEmulatorEnv } from './config.ts';
import { demoBanner, seedDemo } from './demo.ts';
import { startEmulator } from './server.ts';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEmulatorEnv(process.env);
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    console.error(`emulator: ${e.message}`);
    process.exit(1);
  }
  const emu = await startEmulator({ port: env.port, host: env.host, logger: env.log }).catch(
    (e: unknown) => {
      // Often a second `npm run emulator`: one line naming the setting, not a stack trace.
      if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
      console.error(
        `emulator: ${env.host}:${env.port} is already in use (another emulator or program listens there); set EMULATOR_PORT to a free port (0 = any free port)`,
      );
      process.exit(1);
    },
  );
  const seed = seedDemo(emu, env.callbackUrl);
  console.log(demoBanner(emu, seed, env.callbackUrl));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: closing the emulator`);
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
