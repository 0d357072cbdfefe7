/** Node's types declare Response's methods and accessors as properties, which TypeScript does not let a subclass override. */
const ResponseBase = Response as unknown as new (body: null, init: ResponseInit) => object;

/**
 * A standard Response over a body already read into memory. `new Response(buffer)` wraps the
 * buffer in a web ReadableStream that `json()` and `text()` then read back chunk by chunk: for an
 * AI provider's answer that was most of the cost of building the Response. Here the common readers
 * take the bytes directly; everything else (the `body` stream, `blob()`, `formData()`) goes to a
 * plain Response over the same bytes, made only when asked for.
 */
class BufferedResponse extends ResponseBase {
  readonly #bytes: Buffer;
  readonly #init: ResponseInit;
  readonly #url: string;
  #used = false;
  #standard: Response | undefined;

  constructor(bytes: Buffer, init: ResponseInit, url: string) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
    this.#url = url;
  }

  get url(): string {
    return this.#url;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#standardResponse().body;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#standard?.bodyUsed ?? false);
  }

  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    return this.#delegate().blob();
  }

  async formData(): Promise<FormData> {
    return this.#delegate().formData();
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return bufferedResponse(this.#bytes, this.#init, this.#url);
  }

  /** The bytes, once: a body is read at most once, as the standard says. */
  #take(): Buffer {
    if (this.bodyUsed || this.#standard?.body?.locked) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  #delegate(): Response {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    return this.#standardResponse();
  }

  /** A plain Response over the same bytes, made once; read already when this one was. */
  #standardResponse(): Response {
    if (this.#standard === undefined) {
      this.#standard = new Response(this.#bytes, this.#init);
      // The stream is then the disturbed one a standard Response would hand out.
      if (this.#used) void this.#standard.arrayBuffer();
    }
    return this.#standard;
  }
}

/** A Response (`instanceof Response` holds) whose body is `bytes`, answered from `url`. */
export function bufferedResponse(bytes: Buffer, init: ResponseInit, url: string): Response {
  return new BufferedResponse(bytes, init, url) as unknown as Response;
}
