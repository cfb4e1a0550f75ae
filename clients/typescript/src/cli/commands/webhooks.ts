// `webhooks`: endpoints that receive lifecycle events, the events themselves, and replays.
import type { EventRecord, WebhookEndpoint, WebhookEventType } from '../../types.js';
import { command, group } from '../command.js';
import { fetchList, PAGE_OPTIONS, printPage } from '../common.js';
import { details } from '../output.js';

const EVENT_TYPES = [
  'connected_account.active',
  'connected_account.expired',
  'connected_account.refresh_failed',
  'connected_account.recovered',
  'connected_account.consent_expiring',
  'connected_account.credential_expiring',
  'connected_account.deleted',
] as const satisfies readonly WebhookEventType[];

const endpointColumns = [
  { header: 'ID', value: (e: WebhookEndpoint) => e.id },
  { header: 'URL', value: (e: WebhookEndpoint) => e.url },
  { header: 'STATUS', value: (e: WebhookEndpoint) => e.status },
  {
    header: 'EVENTS',
    value: (e: WebhookEndpoint) => (e.event_types.length ? e.event_types : 'all'),
  },
  { header: 'CREATED', value: (e: WebhookEndpoint) => e.created_at },
];

const deliveries = (ev: EventRecord) =>
  ev.deliveries.map(
    (d) =>
      `${d.endpoint_id}:${d.status}${d.attempts ? `(${d.attempts})` : ''}${d.last_status ? `/${d.last_status}` : ''}`,
  );

const createEndpoint = command({
  summary: 'Register an endpoint; prints its signing secret once',
  description: [
    "The first line printed is the endpoint's signing secret (whsec_…), shown only now: give it",
    'to the receiver for verifyWebhook. The second is the endpoint id.',
  ].join('\n'),
  args: [{ name: 'url', help: 'where deliveries are POSTed', required: true }],
  options: {
    event: {
      type: 'string',
      multiple: true,
      value: '<type>',
      help: `an event type to receive (default: all): ${EVENT_TYPES.join(', ')}`,
    },
  },
  async run(ctx, { args, values: v }) {
    const ep = await ctx.vault().webhookEndpoints.create({
      url: args.url!,
      ...(v.event ? { event_types: v.event as WebhookEventType[] } : {}),
    });
    if (ctx.json) return ctx.printJson(ep);
    ctx.print(ep.secret);
    ctx.print(ep.id);
    ctx.note(
      `\nendpoint ${ep.id} → ${ep.url} (${ep.event_types.length ? ep.event_types.join(', ') : 'all events'}).\n` +
        'The signing secret (first line) is shown only now: store it for the receiver.',
    );
  },
});

const listEndpoints = command({
  summary: 'List webhook endpoints',
  options: { ...PAGE_OPTIONS },
  async run(ctx, { values: v }) {
    printPage(
      ctx,
      await fetchList(ctx.vault().webhookEndpoints, {}, v),
      endpointColumns,
      'webhook endpoints',
    );
  },
});

const getEndpoint = command({
  summary: 'Show a webhook endpoint (never its secret)',
  args: [{ name: 'id', help: 'the endpoint id', required: true }],
  options: {},
  async run(ctx, { args }) {
    const e = await ctx.vault().webhookEndpoints.get(args.id!);
    if (ctx.json) return ctx.printJson(e);
    ctx.print(
      details([
        ['id', e.id],
        ['url', e.url],
        ['status', e.status],
        ['events', e.event_types.length ? e.event_types : 'all'],
        ['created', e.created_at],
      ]),
    );
  },
});

const deleteEndpoint = command({
  summary: 'Delete a webhook endpoint (nothing more is delivered to it)',
  args: [{ name: 'id', help: 'the endpoint id', required: true }],
  options: {},
  async run(ctx, { args }) {
    await ctx.vault().webhookEndpoints.delete(args.id!);
    if (ctx.json) return ctx.printJson({ id: args.id, deleted: true });
    ctx.print(`endpoint ${args.id} deleted`);
  },
});

const listEvents = command({
  summary: 'List events, newest first, with their deliveries (one page of 50 unless --limit)',
  options: {
    type: { type: 'string', value: '<type>', help: 'only this event type' },
    account: { type: 'string', value: '<ca_…>', help: "only this account's" },
    ...PAGE_OPTIONS,
  },
  async run(ctx, { values: v }) {
    const page = await fetchList(
      ctx.vault().events,
      {
        type: v.type as WebhookEventType | undefined,
        connected_account_id: v.account,
      },
      v,
      50,
    );
    printPage(
      ctx,
      page,
      [
        { header: 'ID', value: (e) => e.id },
        { header: 'TYPE', value: (e) => e.type },
        { header: 'ACCOUNT', value: (e) => e.connected_account_id },
        { header: 'CREATED', value: (e) => e.created_at },
        { header: 'DELIVERIES', value: deliveries },
      ],
      'events',
    );
  },
});

const replay = command({
  summary: 'Deliver an event again to the endpoints it was meant for',
  args: [{ name: 'id', help: 'the event id (ev_…)', required: true }],
  options: {},
  async run(ctx, { args }) {
    const ev = await ctx.vault().events.replay(args.id!);
    if (ctx.json) return ctx.printJson(ev);
    if (ev.deliveries.length === 0) {
      ctx.print(`event ${ev.id} (${ev.type}) had no endpoint to go to: nothing will be delivered`);
      ctx.note('Endpoints registered after an event do not receive it.');
      return;
    }
    ctx.print(`event ${ev.id} (${ev.type}) queued again: ${deliveries(ev).join(' ')}`);
  },
});

export const webhooks = group({
  summary: 'Webhook endpoints, events and replays',
  children: {
    endpoints: group({
      summary: 'Endpoints that receive events',
      children: {
        create: createEndpoint,
        list: listEndpoints,
        get: getEndpoint,
        delete: deleteEndpoint,
      },
    }),
    events: group({
      summary: 'The events the vault recorded',
      children: { list: listEvents },
    }),
    replay,
  },
});
