/**
 * Megaphone mode's attention tone as a WAV file, made once by the server: a siren-like tone sweeping up and down between 650 and 1350 Hz, twice, 2.4 seconds, 8-bit mono.
 */
export function sirenWav(): Buffer {
  const rate = 11_025;
  const seconds = 2.4;
  const sweeps = 2;
  const count = Math.round(rate * seconds);
  const bytes = Buffer.alloc(44 + count);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < value.length; i++) bytes[at + i] = value.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + count, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, count, true);
  let phase = 0;
  for (let i = 0; i < count; i++) {
    const t = i / count;
    // Up then down within each sweep (a triangle), like a wailing siren.
    const sweep = (t * sweeps) % 1;
    const rise = sweep < 0.5 ? sweep * 2 : 2 - sweep * 2;
    const frequency = 650 + 700 * rise;
    phase += (2 * Math.PI * frequency) / rate;
    // Softly squared (louder to the ear than a sine), faded in and out to avoid clicks.
    const edge = Math.min(1, i / (rate * 0.02), (count - i) / (rate * 0.02));
    const sample = Math.tanh(2.5 * Math.sin(phase)) * 0.95 * edge;
    bytes[44 + i] = Math.round(128 + 127 * sample);
  }
  return bytes;
}
