// In-memory Jira issues, attachments and Confluence pages, one set per site (by cloud id).
import { API_RATE_LIMIT } from './faults.ts';

export interface Issue {
  id: string;
  key: string;
  /** Creation order, to break ties between issues created in the same millisecond. */
  seq: number;
  projectKey: string;
  summary: string;
  issueType: string;
  description: unknown;
  creatorId: string;
  created: number;
  updated: number;
  attachmentIds: string[];
}

export interface Attachment {
  id: string;
  issueId: string;
  filename: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  authorId: string;
  created: number;
}

export interface PageBody {
  representation: string;
  value: string;
}

export interface Page {
  id: string;
  seq: number;
  spaceId: string;
  title: string;
  status: string;
  parentId?: string;
  authorId: string;
  createdAt: number;
  version: { number: number; createdAt: number; authorId: string; message: string };
  body: PageBody;
}

export interface NewIssue {
  projectKey: string;
  summary: string;
  issueType: string;
  description?: unknown;
}

export interface NewPage {
  spaceId: string;
  title: string;
  status?: string;
  parentId?: string;
  body: PageBody;
}

const MINUTE_MS = 60_000;

export class SiteContent {
  readonly issues = new Map<string, Issue>();
  readonly attachments = new Map<string, Attachment>();
  readonly pages = new Map<string, Page>();
  private readonly projectCounters = new Map<string, number>();
  private seq = 0;
  private nextIssueId = 10000;
  private nextAttachmentId = 10000;
  private nextPageId = 98304;
  private window = { start: 0, used: 0 };

  createIssue(input: NewIssue, creatorId: string, now: number): Issue {
    const n = (this.projectCounters.get(input.projectKey) ?? 0) + 1;
    this.projectCounters.set(input.projectKey, n);
    const issue: Issue = {
      id: String(this.nextIssueId++),
      key: `${input.projectKey}-${n}`,
      seq: this.seq++,
      projectKey: input.projectKey,
      summary: input.summary,
      issueType: input.issueType,
      description: input.description ?? null,
      creatorId,
      created: now,
      updated: now,
      attachmentIds: [],
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** By id or by key (keys are case-insensitive in Jira). */
  findIssue(idOrKey: string): Issue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    const key = idOrKey.toUpperCase();
    for (const i of this.issues.values()) if (i.key === key) return i;
    return undefined;
  }

  deleteIssue(issue: Issue): void {
    for (const id of issue.attachmentIds) this.attachments.delete(id);
    this.issues.delete(issue.id);
  }

  addAttachment(a: Omit<Attachment, 'id'>): Attachment {
    const attachment = { ...a, id: String(this.nextAttachmentId++) };
    this.attachments.set(attachment.id, attachment);
    this.issues.get(a.issueId)?.attachmentIds.push(attachment.id);
    return attachment;
  }

  createPage(input: NewPage, authorId: string, now: number): Page {
    const page: Page = {
      id: String(this.nextPageId++),
      seq: this.seq++,
      spaceId: input.spaceId,
      title: input.title,
      status: input.status ?? 'current',
      parentId: input.parentId,
      authorId,
      createdAt: now,
      version: { number: 1, createdAt: now, authorId, message: '' },
      body: input.body,
    };
    this.pages.set(page.id, page);
    return page;
  }

  /** A page of the space with this title, if any (Confluence titles are unique per space). */
  pageTitled(spaceId: string, title: string): Page | undefined {
    for (const p of this.pages.values()) {
      if (p.spaceId === spaceId && p.title === title) return p;
    }
    return undefined;
  }

  /** Requests left in this minute's announced quota (counting this one; never enforced). */
  rateLimitRemaining(now: number): number {
    if (now - this.window.start >= MINUTE_MS || now < this.window.start) {
      this.window = { start: now, used: 0 };
    }
    this.window.used++;
    return Math.max(0, API_RATE_LIMIT - this.window.used);
  }
}

export class ContentStore {
  private readonly sites = new Map<string, SiteContent>();

  of(cloudId: string): SiteContent {
    let c = this.sites.get(cloudId);
    if (!c) {
      c = new SiteContent();
      this.sites.set(cloudId, c);
    }
    return c;
  }
}
