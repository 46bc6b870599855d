import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes of hnswlib's index header (64-bit build): 11 size_t/double fields and two 32-bit ones. */
const HEADER_BYTES = 96;

/**
 * Checks that `file` is a complete hnswlib HNSW graph of `dimension`-long float32 vectors built with `m`
 * links per node, from its header and by walking the per-node link lists to the exact end of the file.
 * hnswlib neither checks its writes (a full disk leaves a short file) nor fully validates what it reads,
 * so every file is checked before it is published and before it is read. Throws an `Error` saying what
 * is wrong.
 */
export function checkGraphFile(file: string, dimension: number, m: number): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < HEADER_BYTES) throw new Error(`${file}: ${size} bytes is shorter than an hnswlib header`);
    const header = new DataView(readBytes(fd, 0, HEADER_BYTES).buffer);
    const field = (offset: number): number => Number(header.getBigUint64(offset, true));
    const maxElements = field(8);
    const count = field(16);
    const bytesPerElement = field(24);
    const labelOffset = field(32);
    const dataOffset = field(40);
    const maxM = field(56);
    const maxM0 = field(64);
    const storedM = field(72);
    const level0Links = maxM0 * 4 + 4;
    const consistent =
      storedM === m &&
      maxM === m &&
      maxM0 === 2 * m &&
      dataOffset === level0Links &&
      labelOffset - dataOffset === dimension * 4 &&
      bytesPerElement === level0Links + dimension * 4 + 8 &&
      count <= maxElements;
    if (!consistent) throw new Error(`${file}: the header does not describe a graph of dimension ${dimension} with M ${m}`);
    const linksStart = HEADER_BYTES + count * bytesPerElement;
    if (linksStart + count * 4 > size) throw new Error(`${file} is truncated`);
    const links = new DataView(readBytes(fd, linksStart, size - linksStart).buffer);
    const bytesPerLevel = maxM * 4 + 4;
    let offset = 0;
    for (let i = 0; i < count; i++) {
      if (offset + 4 > links.byteLength) throw new Error(`${file} is truncated`);
      const listBytes = links.getUint32(offset, true);
      if (listBytes % bytesPerLevel !== 0) throw new Error(`${file}: node ${i} has a malformed link list`);
      offset += 4 + listBytes;
    }
    if (offset !== links.byteLength) throw new Error(`${file}: ${links.byteLength - offset} bytes too many or too few after the link lists`);
  } finally {
    closeSync(fd);
  }
}

function readBytes(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, bytes, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return bytes;
}
