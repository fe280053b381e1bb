// What a Socket Mode frame must look like before Bolt's client reads it: a JSON object with a
// string `type`, and for anything but `hello`/`disconnect` an object payload (with an `event`
// object for events_api). Anything else is a malformed frame (vendor-behaviour.md 9).

/** Frames larger than Slack ever sends (its payloads stay far below 1 MB) are not parsed. */
export const MAX_FRAME_BYTES = 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why this frame cannot be handled, or undefined when it can. */
export function frameProblem(data: unknown, isBinary: boolean): string | undefined {
  if (isBinary) return 'a binary frame';
  const text =
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        ? new TextDecoder().decode(data as ArrayBuffer)
        : undefined;
  if (text === undefined) return 'not text';
  if (text.length > MAX_FRAME_BYTES) return `larger than ${MAX_FRAME_BYTES} bytes`;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!isObject(frame))
    return `not a JSON object (${frame === null ? 'null' : Array.isArray(frame) ? 'an array' : typeof frame})`;
  if (typeof frame.type !== 'string') return 'no string "type"';
  if (frame.type === 'hello' || frame.type === 'disconnect') return undefined;
  if (typeof frame.envelope_id !== 'string') return `a "${frame.type.slice(0, 40)}" frame without an envelope_id`;
  if (!isObject(frame.payload)) return `a "${frame.type.slice(0, 40)}" frame without a payload object`;
  if (frame.type === 'events_api' && !isObject(frame.payload.event))
    return 'an events_api frame without an event object';
  return undefined;
}
