/** Writes and waits until the data is handed to the OS (so large piped bodies are not cut at exit). */
export function write(stream, data) {
    return new Promise((resolve, reject) => {
        stream.write(data, (err) => (err ? reject(err) : resolve()));
    });
}
