// `npm run emulator`: a local Atlassian 3LO look-alike seeded with a demo app and user.
import { startEmulator } from './server.ts';

const DEMO_SCOPES = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:confluence-content.all',
  'read:page:confluence',
];

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 4010);
  const host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  const callbackUrl =
    process.env.EMULATOR_CALLBACK_URL ?? 'http://localhost:3000/v1/oauth/callback';
  const emu = await startEmulator({ port, host, logger: process.env.EMULATOR_LOG === '1' });

  emu.addApp({
    clientId: 'demo-client-id',
    clientSecret: 'demo-client-secret',
    name: 'Demo Jira App',
    callbackUrl,
    scopes: DEMO_SCOPES,
  });
  const ada = emu.addUser({
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    sites: [
      { name: 'ada-team', url: 'https://ada-team.atlassian.net', products: ['jira', 'confluence'] },
      { name: 'ada-labs', url: 'https://ada-labs.atlassian.net', products: ['jira'] },
    ],
  });

  console.log(`Atlassian 3LO emulator listening on ${emu.url}

Point a vault at it:
  ATLASSIAN_AUTH_URL=${emu.url} ATLASSIAN_API_URL=${emu.url}

Demo app:
  client_id:     demo-client-id
  client_secret: demo-client-secret
  callback URL:  ${callbackUrl}
  scopes:        ${DEMO_SCOPES.join(' ')} (offline_access and read:me are always allowed)

Demo user: ${ada.name} <${ada.email}> (account ${ada.accountId})
${ada.sites.map((s) => `  site ${s.url}  cloudId ${s.id}  [${s.products.join(', ')}]`).join('\n')}

Admin API: ${emu.url}/_emulator (clock, faults, counters, consent). Ctrl+C to stop.`);

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
