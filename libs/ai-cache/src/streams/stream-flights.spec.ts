import { Subject, throwError } from 'rxjs';
import { StreamFlights } from './stream-flights';
import { StreamRecording } from './stream-recording';

const noWrite = { onComplete: async () => undefined };

describe('StreamFlights', () => {
  it('shares a running recording for the same key, and not across keys', () => {
    const flights = new StreamFlights();
    const source = new Subject<string>();
    let starts = 0;
    const start = ({ onSettled }: { onSettled: () => void }) => {
      starts++;
      return StreamRecording.fromObservable(source, { ...noWrite, onSettled });
    };
    const first = flights.join('k', start);
    const second = flights.join('k', start);
    const other = flights.join('other', start);
    expect(first.joined).toBe(false);
    expect(second).toEqual({ recording: first.recording, joined: true });
    expect(other.joined).toBe(false);
    expect(starts).toBe(2);
    expect(flights.inFlight).toBe(2);
  });

  it('forgets a flight once it settled, so the next call starts afresh', async () => {
    const flights = new StreamFlights();
    const source = new Subject<string>();
    const start = ({ onSettled }: { onSettled: () => void }) => StreamRecording.fromObservable(source, { ...noWrite, onSettled });
    const { recording } = flights.join('k', start);
    const cursor = recording.cursor();
    source.error(new Error('x'));
    await expect(cursor.next()).rejects.toThrow('x');
    expect(flights.inFlight).toBe(0);
    expect(flights.join('k', () => StreamRecording.fromObservable(new Subject(), { ...noWrite, onSettled: () => undefined })).joined).toBe(false);
  });

  it('does not register a recording that failed while starting, nor one whose start threw', () => {
    const flights = new StreamFlights();
    const failed = flights.join('k', ({ onSettled }) => StreamRecording.fromObservable(throwError(() => new Error('early')), { ...noWrite, onSettled }));
    expect(failed.joined).toBe(false);
    expect(flights.inFlight).toBe(0);
    expect(() =>
      flights.join('k', () => {
        throw new TypeError('not a stream');
      }),
    ).toThrow('not a stream');
    expect(flights.inFlight).toBe(0);
  });
});
