// The urgent tone: two short notes made with WebAudio, no audio file. Played once per
// urgent notice; silently nothing where the browser has no audio or refuses it.

type Ctor = new () => AudioContext;

/** Plays the tone; resolves true when it was started. */
export async function playUrgentTone(win: { AudioContext?: Ctor; webkitAudioContext?: Ctor } = window as never): Promise<boolean> {
  const AC = win.AudioContext ?? win.webkitAudioContext;
  if (!AC) return false;
  try {
    const ac = new AC();
    if (ac.state === 'suspended') await ac.resume();
    const t0 = ac.currentTime + 0.02;
    // 880 Hz then 660 Hz, twice: about 0.9 s in all, soft attack and release.
    [880, 660, 880, 660].forEach((hz, i) => {
      const osc = ac.createOscillator();
      const gain = ac.createGain();
      osc.type = 'sine';
      osc.frequency.value = hz;
      const start = t0 + i * 0.22;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      osc.connect(gain).connect(ac.destination);
      osc.start(start);
      osc.stop(start + 0.21);
    });
    setTimeout(() => void ac.close().catch(() => undefined), 1500);
    return ac.state === 'running';
  } catch {
    return false;
  }
}
