// What `npm run emulator` puts in place, and the banner that tells a newcomer about it.
import type { EmuServiceAccount, EmuUser, Emulator, GithubUser } from './types.ts';

export const DEMO_SCOPES = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:confluence-content.all',
  'read:page:confluence',
];
export const DEMO_SA_SCOPES = ['read:jira-work', 'write:jira-work', 'read:jira-user'];
export const DEMO_API_TOKEN = 'demo-api-token';
export const DEMO_SCOPED_API_TOKEN = 'demo-scoped-api-token';
export const DEMO_GITHUB_CLIENT_ID = 'Iv1.demo-github-app';
export const DEMO_GITHUB_CLIENT_SECRET = 'demo-github-client-secret';

export interface DemoSeed {
  ada: EmuUser;
  serviceAccount: EmuServiceAccount;
  issueKeys: string[];
  pageId: string;
  github: { user: GithubUser; issueNumbers: number[] };
}

export function seedDemo(emu: Emulator, callbackUrl: string): DemoSeed {
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
      { name: 'ada-team', url: emu.siteUrl('ada-team'), products: ['jira', 'confluence'] },
      { name: 'ada-labs', url: emu.siteUrl('ada-labs'), products: ['jira'] },
    ],
  });
  const team = ada.sites[0]!;
  const serviceAccount = emu.addServiceAccount({
    clientId: 'demo-sa-client-id',
    clientSecret: 'demo-sa-client-secret',
    scopes: DEMO_SA_SCOPES,
    name: 'Demo Service Account',
    email: 'demo-service-account@serviceaccount.atlassian.com',
    siteIds: [team.id],
  });
  emu.addApiToken({ accountId: ada.accountId, token: DEMO_API_TOKEN, scoped: false });
  emu.addApiToken({
    accountId: serviceAccount.accountId,
    token: DEMO_SCOPED_API_TOKEN,
    scoped: true,
    scopes: DEMO_SA_SCOPES,
  });
  const issueKeys = [
    'Try the vault against the emulator',
    'Connect a Jira account',
    'Fetch a token and call Jira through the proxy',
  ].map((summary) => emu.addJiraIssue(team.id, { projectKey: 'DEMO', summary }).key);
  const { id: pageId } = emu.addConfluencePage(team.id, {
    spaceId: '1',
    title: 'Welcome to the emulator',
    body: {
      representation: 'storage',
      value: '<p>A page on ada-team, served by the emulator.</p>',
    },
  });
  return { ada, serviceAccount, issueKeys, pageId, github: seedGithub(emu, callbackUrl) };
}

function seedGithub(emu: Emulator, callbackUrl: string): DemoSeed['github'] {
  emu.addGithubApp({
    clientId: DEMO_GITHUB_CLIENT_ID,
    clientSecret: DEMO_GITHUB_CLIENT_SECRET,
    name: 'Demo GitHub App',
    callbackUrls: [callbackUrl],
  });
  const user = emu.addGithubUser({
    login: 'ada-lovelace',
    id: 1815,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    repos: [
      { name: 'analytical-engine', description: 'Notes on the Analytical Engine' },
      { name: 'notes', private: true },
    ],
  });
  const issueNumbers = ['Translate Menabrea', 'Add note G (Bernoulli numbers)'].map(
    (title) => emu.addGithubIssue('ada-lovelace', 'analytical-engine', { title }).number,
  );
  return { user, issueNumbers };
}

export function demoBanner(emu: Emulator, seed: DemoSeed, callbackUrl: string): string {
  const { ada, serviceAccount: sa, github: gh } = seed;
  const team = ada.sites[0]!;
  const sites = ada.sites
    .map((s) => {
      const lines = [`  ${s.name}  cloudId ${s.id}  [${s.products.join(', ')}]`];
      if (s.products.includes('jira')) {
        lines.push(`    Jira       ${s.url}/rest/api/3/...  (site form)`);
        lines.push(`               ${emu.url}/ex/jira/${s.id}/rest/api/3/...  (gateway)`);
      }
      if (s.products.includes('confluence')) {
        lines.push(`    Confluence ${s.url}/wiki/api/v2/...  (site form)`);
        lines.push(`               ${emu.url}/ex/confluence/${s.id}/wiki/api/v2/...  (gateway)`);
      }
      return lines.join('\n');
    })
    .join('\n');
  return `Atlassian and GitHub emulator listening on ${emu.url}

Point a vault at it:
  ATLASSIAN_AUTH_URL=${emu.url} ATLASSIAN_API_URL=${emu.url}

Demo app (3LO):
  client_id:     demo-client-id
  client_secret: demo-client-secret
  callback URL:  ${callbackUrl}${callbackUrl.endsWith('/*') ? '  (* = any one path segment, e.g. an auth config id)' : ''}
  scopes:        ${DEMO_SCOPES.join(' ')} (offline_access and read:me are always allowed)

Demo user: ${ada.name} <${ada.email}> (account ${ada.accountId})
${sites}

Demo service account: ${sa.name} <${sa.email}> (account ${sa.accountId}), site ${team.name}
  OAuth 2.0 client credentials: client_id ${sa.clientId}  client_secret demo-sa-client-secret
  scopes ${sa.scopes.join(' ')}
  scoped API token (gateway, Basic ${sa.email}:${DEMO_SCOPED_API_TOKEN})

Demo classic API token (site form, Basic ${ada.email}:${DEMO_API_TOKEN})
  e.g. curl -u ${ada.email}:${DEMO_API_TOKEN} ${team.url}/rest/api/3/myself

Demo content on ${team.name}: Jira issues ${seed.issueKeys.join(', ')}; Confluence page ${seed.pageId}
  ${team.url}/wiki/api/v2/pages/${seed.pageId}

GitHub, on the same origin:
  GITHUB_URL=${emu.url} GITHUB_API_URL=${emu.url}
  GitHub App: client_id ${DEMO_GITHUB_CLIENT_ID}  client_secret ${DEMO_GITHUB_CLIENT_SECRET}
    callback URL ${callbackUrl}; 8-hour ghu_ tokens, rotating ghr_ refresh tokens
  GitHub user: ${gh.user.login} (id ${gh.user.id}) <${gh.user.email}>
    repos ${gh.user.repos.map((r) => `${r.fullName}${r.private ? ' (private)' : ''}`).join(', ')}; issues ${gh.issueNumbers.map((n) => `#${n}`).join(' ')} on ${gh.user.repos[0]!.fullName}

Admin API: ${emu.url}/_emulator (an index of the routes: clock, faults, counters, consent,
  service accounts, API tokens, request log, ...). Ctrl+C to stop.`;
}
