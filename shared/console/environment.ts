// The operator console's environment variables on AWS (functions/operator-console), set by the CDK
// stack: the dead-letter queues it shows and redrives, and the Cognito user pool it signs users in with.
export const consoleEnvironmentNames = {
  inboundDeadLetterQueueUrl: 'APSYNC_INBOUND_DLQ_URL',
  billDeadLetterQueueUrl: 'APSYNC_BILL_DLQ_URL',
  paymentDeadLetterQueueUrl: 'APSYNC_PAYMENT_DLQ_URL',
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>` */
  cognitoIssuer: 'APSYNC_CONSOLE_COGNITO_ISSUER',
  /** The hosted UI, `https://<domain>.auth.<region>.amazoncognito.com` */
  cognitoDomainUrl: 'APSYNC_CONSOLE_COGNITO_DOMAIN_URL',
  cognitoClientId: 'APSYNC_CONSOLE_COGNITO_CLIENT_ID',
  /** Where the HTTP API mounts the console (default `/console/`). */
  basePath: 'APSYNC_CONSOLE_BASE_PATH',
  /** The console's full URL (a sign-out URL of the app client). */
  consoleUrl: 'APSYNC_CONSOLE_URL',
} as const;
