// Notifications to the shop: Standard Webhooks signing, the retry schedule and the delivery worker.
export { createWebhookSigner, type WebhookHeaders, type WebhookSigner } from './sign.ts';
export { nextAttempt, unitRandom } from './schedule.ts';
export { webhookBody } from './body.ts';
export { createDeliveryWorker, WEBHOOK_USER_AGENT, type DeliveryWorker, type DeliveryWorkerOptions, type RunResult } from './worker.ts';
