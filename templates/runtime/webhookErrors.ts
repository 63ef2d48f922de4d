/** Why a webhook delivery was rejected before any handler ran. */
export type WebhookRejection =
  | 'missing-signature'
  | 'malformed-signature'
  | 'stale'
  | 'unknown-key'
  | 'bad-signature'
  | 'malformed-body'
  | 'other-app'
  | 'replayed';

/** A delivery rejected by `validate` / `processRequest`: answer it with a 4xx, no handler was called. */
export class InstantWebhookError extends Error {
  readonly reason: WebhookRejection;

  constructor(reason: WebhookRejection, message: string) {
    super(message);
    this.name = 'InstantWebhookError';
    this.reason = reason;
  }
}
