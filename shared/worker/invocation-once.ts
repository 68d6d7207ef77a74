// A read a queue worker makes once per invocation for all the messages of its batch (the settings, the
// payment mode): the first message's call reads, the others share its answer; a failed read is not
// kept, so a later call reads again. A new one is made for each invocation, so a change an operator
// makes applies from the next batch on.
export function invocationOnce<T>(read: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => {
    if (answer === undefined) {
      const reading = read();
      answer = reading;
      reading.catch(() => {
        if (answer === reading) answer = undefined;
      });
    }
    return answer;
  };
}
