/** Downloads a Discord attachment with fetch(), refusing anything larger than the limit. */
import { DownloadError, ImportInvalidError } from '../../errors.js';

export async function fetchAttachment(url: string, maxBytes: number, declaredSize?: number): Promise<Uint8Array> {
  const tooBig = () => new ImportInvalidError(`it is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
  if (declaredSize !== undefined && declaredSize > maxBytes) throw tooBig();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new DownloadError('I could not download the attachment', { url }, { cause: error });
  }
  if (!response.ok || response.body === null) throw new DownloadError(`I could not download the attachment (HTTP ${response.status})`, { url });
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Read incrementally so an oversized file is cut off early instead of buffered whole.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
