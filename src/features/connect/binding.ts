import { createHash, randomBytes } from 'node:crypto';

/**
 * State bound to the browser that opened the connect link (docs/security.md#the-connect-flow):
 * opening the link sets a cookie named after the session whose value only that browser holds (the
 * session stores its hash). A
 * callback — or a reopened link — without the matching cookie changes nothing, so an authorize
 * URL forwarded to someone else cannot attach their grant to the forwarder's account.
 */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const bindingCookieName = (sessionId: string) => `cv_${sessionId}`;

export const newBinding = () => randomBytes(32).toString('base64url');

export interface CookieSpec {
  name: string;
  value: string;
  path: string;
  maxAgeSeconds: number;
}

/** One value, two paths: the link (to resume) and the config's own callback (to finish). */
export function bindingCookies(
  sessionId: string,
  value: string,
  authConfigId: string,
  maxAgeSeconds: number,
): CookieSpec[] {
  const name = bindingCookieName(sessionId);
  return [
    { name, value, path: '/v1/connect/', maxAgeSeconds },
    { name, value, path: `/v1/oauth/callback/${authConfigId}`, maxAgeSeconds },
  ];
}

/** Link previewers (chat unfurls, mail scanners) fetch links; they must not use one up. */
const PREVIEWERS =
  /Slackbot|Slack-ImgProxy|facebookexternalhit|Twitterbot|LinkedInBot|Discordbot|TelegramBot|WhatsApp|SkypeUriPreview|MicrosoftPreview|Microsoft Office Existence Discovery|Google-PageRenderer|Iframely|Embedly|redditbot|Applebot|Mattermost|Zulip|ms-office/i;

export const isLinkPreviewer = (userAgent: string | undefined) =>
  Boolean(userAgent && PREVIEWERS.test(userAgent));
