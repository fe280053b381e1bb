// The Slack outbox: queue from anywhere (createOutbox), deliver from every process (startOutboxDelivery).
export {
  createOutbox,
  type Outbox,
  type OutboxOptions,
  type PostInput,
  type UpdateInput,
  type EphemeralInput,
  type RespondInput,
} from './outbox.ts';
export { startOutboxDelivery, type OutboxDelivery, type OutboxDeliveryOptions } from './delivery.ts';
export { createOutboxWebClient, type OutboxWebClientOptions } from './web-client.ts';
export { outboxKeys } from './keys.ts';
export type { PostedMessage } from './context.ts';
