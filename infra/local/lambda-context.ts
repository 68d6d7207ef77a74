// A Lambda `Context` for handlers hosted by local mode and by tests: the same fields AWS passes, with
// getRemainingTimeInMillis counting down from the configured timeout (Powertools idempotency uses it).
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export function createLambdaContext(functionName: string, timeoutMs: number, memoryMb = 512): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
