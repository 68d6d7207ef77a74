// Fake of SuiteScript's N/https for tests that load the NetSuite scripts: records each post and answers
// from a test-supplied responder (which may throw, as https.post does on a timeout or refused connection).
export interface PostedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface ClientResponse {
  code: number;
  body: string;
  headers: Record<string, string>;
}

export type Responder = (request: PostedRequest, attempt: number) => ClientResponse;

export const accepted: Responder = () => ({ code: 202, body: '', headers: {} });

export function createFakeHttps(responder: Responder = accepted) {
  const requests: PostedRequest[] = [];
  const state = { responder };
  return {
    requests,
    answerWith(next: Responder): void {
      state.responder = next;
    },
    module: {
      post(options: { url: string; body: string; headers?: Record<string, string> }): ClientResponse {
        const request = { url: options.url, body: options.body, headers: { ...(options.headers ?? {}) } };
        requests.push(request);
        return state.responder(request, requests.length);
      },
    },
  };
}
