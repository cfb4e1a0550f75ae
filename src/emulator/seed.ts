// Content put in place by the code/admin API (no credential involved): Jira issues, Confluence pages.
import type { EmulatorCore } from './core.ts';
import { parseNewPage } from './confluence.ts';
import { EmuInputError } from './errors.ts';
import { parseNewIssue } from './jira.ts';
import type {
  ConfluencePageInput,
  EmuSite,
  JiraIssueInput,
  JiraIssueRef,
  Product,
} from './types.ts';

function siteWith(core: EmulatorCore, cloudId: string, product: Product): EmuSite {
  const site = core.dir.sites.get(cloudId);
  if (!site) throw new EmuInputError(`unknown site ${cloudId}`, 404);
  if (!site.products.includes(product))
    throw new EmuInputError(`site ${cloudId} has no ${product}`);
  return site;
}

/** The account shown as creator: the user owning the site, if any. */
function ownerOf(core: EmulatorCore, siteId: string): string {
  for (const u of core.dir.users.values())
    if (u.sites.some((s) => s.id === siteId)) return u.accountId;
  return '';
}

export function addJiraIssue(
  core: EmulatorCore,
  cloudId: string,
  input: JiraIssueInput,
): JiraIssueRef {
  const site = siteWith(core, cloudId, 'jira');
  const i = input ?? ({} as JiraIssueInput);
  const parsed = parseNewIssue({
    fields: {
      project: { key: i.projectKey },
      summary: i.summary,
      issuetype: { name: i.issueType ?? 'Task' },
      description: i.description,
    },
  });
  if (!parsed.issue) throw new EmuInputError(Object.values(parsed.errors).join(' '));
  const issue = core.content
    .of(site.id)
    .createIssue(parsed.issue, ownerOf(core, site.id), core.clock.now());
  return { id: issue.id, key: issue.key };
}

export function addConfluencePage(
  core: EmulatorCore,
  cloudId: string,
  input: ConfluencePageInput,
): { id: string } {
  const site = siteWith(core, cloudId, 'confluence');
  const i = input ?? ({} as ConfluencePageInput);
  const page = parseNewPage({
    spaceId: i.spaceId,
    title: i.title,
    body: i.body && { representation: i.body.representation ?? 'storage', value: i.body.value },
  });
  if (typeof page === 'string') throw new EmuInputError(page);
  const content = core.content.of(site.id);
  if (content.pageTitled(page.spaceId, page.title)) {
    throw new EmuInputError('a page with this title already exists in the space', 409);
  }
  return { id: content.createPage(page, ownerOf(core, site.id), core.clock.now()).id };
}
