// Just enough multipart/form-data to take the files out of a Jira attachment upload.

export interface FilePart {
  filename: string;
  contentType: string;
  data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}="([^"]*)"`, 'i').exec(disposition);
  return m?.[1];
}

/** The parts that carry a filename, or undefined when the body is not well-formed multipart. */
export function parseMultipartFiles(body: Buffer, boundary: string): FilePart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  pos += delimiter.length;
  const files: FilePart[] = [];
  for (;;) {
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') return files;
    if (body.subarray(pos, pos + 2).toString('latin1') !== '\r\n') return undefined;
    const headerEnd = body.indexOf('\r\n\r\n', pos + 2, 'latin1');
    if (headerEnd < 0) return undefined;
    const headers = parseHeaders(body.subarray(pos + 2, headerEnd).toString('utf8'));
    const dataStart = headerEnd + 4;
    const dataEnd = body.indexOf(nextDelimiter, dataStart);
    if (dataEnd < 0) return undefined;
    const filename = dispositionParam(headers.get('content-disposition') ?? '', 'filename');
    if (filename !== undefined) {
      files.push({
        filename,
        contentType: headers.get('content-type') ?? 'application/octet-stream',
        data: body.subarray(dataStart, dataEnd),
      });
    }
    pos = dataEnd + nextDelimiter.length;
  }
}
