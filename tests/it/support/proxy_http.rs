//! HTTP/1.1 framing for the proxy on plain tokio TCP (no HTTP crate): heads, bodies framed
//! by `Content-Length` or chunked encoding, and one upstream exchange per request.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Message {
    pub head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a request or response head; `None` at a clean end of stream.
pub async fn read_head<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<(String, Vec<(String, String)>)>> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let head = line.trim_end().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).await? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(Some((head, headers)))
}

/// Reads a body framed by `Content-Length` or chunked encoding (`to_eof` for a response
/// without either).
pub async fn read_body<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    headers: &[(String, String)],
    to_eof: bool,
) -> std::io::Result<Vec<u8>> {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                // Trailers end with an empty line.
                loop {
                    let mut t = String::new();
                    if reader.read_line(&mut t).await? == 0 || t.trim().is_empty() {
                        break;
                    }
                }
                return Ok(body);
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).await?;
            chunk.truncate(n);
            body.extend_from_slice(&chunk);
        }
    } else if let Some(n) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        reader.read_exact(&mut body).await?;
    } else if to_eof {
        reader.read_to_end(&mut body).await?;
    }
    Ok(body)
}

pub async fn write_message(
    stream: &mut (impl AsyncWriteExt + Unpin),
    head: &str,
    headers: &[(String, String)],
    body: &[u8],
    close: bool,
) -> std::io::Result<()> {
    let mut out = format!("{head}\r\n");
    for (k, v) in headers {
        let skip = ["content-length", "transfer-encoding", "connection"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h));
        if !skip {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// Sends one request to moto on a fresh connection and reads the whole answer.
pub async fn forward(request: &Message, upstream: u16) -> std::io::Result<Message> {
    let stream = TcpStream::connect(("127.0.0.1", upstream)).await?;
    let (read, mut write) = stream.into_split();
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("expect"))
        .cloned()
        .collect();
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("connection"));
    write_message(&mut write, &request.head, &headers, &request.body, true).await?;
    let mut reader = BufReader::new(read);
    let (head, headers) = read_head(&mut reader).await?.ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "moto closed early")
    })?;
    let body = read_body(&mut reader, &headers, true).await?;
    Ok(Message {
        head,
        headers,
        body,
    })
}
