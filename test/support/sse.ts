export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal Server-Sent Events reader over fetch, for tests: collects
 * messages and lets a test wait for one that matches.
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const body = response.body;
  if (!response.ok || !body) throw new Error(`SSE ${url} answered ${response.status}`);
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;

  const parse = (block: string) => {
    const message: SseMessage = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    message.data = data.join('\n');
    messages.push(message);
    for (const wake of waiters) wake();
  };

  const pump = (async () => {
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let index = buffer.indexOf('\n\n');
        while (index >= 0) {
          parse(buffer.slice(0, index));
          buffer = buffer.slice(index + 2);
          index = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      for (const wake of waiters) wake();
    }
  })();

  return {
    messages,
    headers: response.headers,
    get ended() {
      return ended;
    },
    /** Resolves with the first message matching, or rejects after timeoutMs. */
    waitFor(match: (message: SseMessage) => boolean, timeoutMs = 5_000): Promise<SseMessage> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (ended) {
            cleanup();
            reject(new Error('stream ended'));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    /** Resolves when the server ends the stream. */
    closed: pump,
    async close() {
      controller.abort();
      await pump;
    },
  };
}
