// Adapters of the failure digest's publisher port (send-failure-digest.ts): the alarm SNS
// topic (its e-mail subscribers get the digest as a message) and a Slack-compatible incoming webhook
// whose URL is kept in a Secrets Manager secret (JSON {"url": "https://hooks.slack.com/..."}), used only
// when that secret holds a value.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import { classifyAwsError } from '../aws/sdk-errors.ts';
import { DataError, TransientError } from '../errors.ts';
import type { FailureDigest } from './failure-digest.ts';
import type { DigestPublisher } from './send-failure-digest.ts';

/** Publishes the digest to the alarm topic: subject and plain text (SNS allows 256 KB; this stays far below). */
export function snsDigestPublisher(sns: SNSClient, topicArn: string): DigestPublisher {
  return {
    name: 'alarm-topic',
    required: true,
    async publish(digest: FailureDigest) {
      try {
        await sns.send(
          new PublishCommand({ TopicArn: topicArn, Subject: digest.subject, Message: digest.text }),
        );
      } catch (error) {
        throw classifyAwsError(error, 'sns');
      }
    },
  };
}

/** What the chat publisher needs of Powertools' SecretsProvider (cached reads of a secret's value). */
export interface SecretReader {
  get(name: string, options: { maxAge: number }): Promise<unknown>;
}

export const chatWebhookSecretSchema = z.object({ url: z.url({ protocol: /^https$/ }) }).strict();

/**
 * Posts the digest as `{"text": …}` (what Slack, Mattermost and Rocket.Chat incoming webhooks take) to
 * the URL in the secret; an empty or missing secret means no chat webhook: nothing is posted.
 */
export function chatWebhookDigestPublisher(
  provider: SecretReader,
  secretName: string,
  post: typeof fetch = fetch,
): DigestPublisher {
  return {
    name: 'chat-webhook',
    required: false,
    async publish(digest: FailureDigest) {
      let raw: unknown;
      try {
        raw = await provider.get(secretName, { maxAge: 300 });
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return;
        throw classifyAwsError(error, 'secretsmanager');
      }
      if (raw === undefined || raw === '') return;
      let json: unknown;
      try {
        json = JSON.parse(String(raw));
      } catch {
        throw new DataError(`secret ${secretName} is not JSON: store {"url": "https://…"}`);
      }
      const parsed = chatWebhookSecretSchema.safeParse(json);
      if (!parsed.success) {
        throw new DataError(`secret ${secretName} must be {"url": "https://…"} (an incoming-webhook URL)`);
      }
      const answer = await post(parsed.data.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `*${digest.subject}*\n${digest.text}` }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!answer.ok) {
        throw new TransientError(`chat webhook answered ${answer.status}`);
      }
    },
  };
}
