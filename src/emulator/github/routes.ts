// Registers the GitHub endpoints on the emulator's server. Their paths (/login/oauth/*, /user,
// /user/repos, /repos/*, /rate_limit, /applications/*, /_emulator/github/*) collide with no
// Atlassian route, so one origin serves as both GITHUB_URL and GITHUB_API_URL.
import type { FastifyInstance } from 'fastify';
import type { EmulatorCore } from '../core.ts';
import { registerGithubAdminRoutes } from './admin.ts';
import { registerGithubApiRoutes } from './api.ts';
import { registerGithubAuthorizeRoutes } from './authorize.ts';
import { registerGithubTokenRoute } from './token.ts';

export function registerGithubRoutes(app: FastifyInstance, core: EmulatorCore): void {
  registerGithubAuthorizeRoutes(app, core);
  registerGithubTokenRoute(app, core);
  registerGithubApiRoutes(app, core);
  registerGithubAdminRoutes(app, core);
}
