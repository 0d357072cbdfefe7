import { normalizeLine } from './normalize';

describe('normalizeLine', () => {
  it('removes the timestamp and stream prefix of timestamped GitLab logs', () => {
    expect(normalizeLine('2024-05-01T10:00:00.123456Z 01O+$ npm test').text).toBe('$ npm test');
    expect(normalizeLine('2024-05-01T10:00:01.5Z 02E npm ERR! code ELIFECYCLE').text).toBe('npm ERR! code ELIFECYCLE');
  });

  it('keeps timestamps that are part of the message', () => {
    expect(normalizeLine('ERROR 2024-05-01 10:00:00 connection lost').text).toBe('ERROR 2024-05-01 10:00:00 connection lost');
  });

  it('reports GitLab section starts and ends with their names', () => {
    const start = normalizeLine('\x1b[0Ksection_start:1714557600:build_app[collapsed=true]\r\x1b[0K\x1b[36;1mBuilding app\x1b[0;m');
    expect(start).toEqual({ text: 'Building app', sectionStart: 'build_app' });
    expect(normalizeLine('section_end:1714557700:build_app\r\x1b[0K')).toEqual({ text: '', sectionEnd: 'build_app' });
  });

  it('keeps the last state of a progress redraw and drops CRLF ends', () => {
    expect(normalizeLine('Receiving objects:  10% (1/10)\rReceiving objects: 100% (10/10), done.\r').text).toBe(
      'Receiving objects: 100% (10/10), done.',
    );
  });

  it('removes keypad, character set and cursor-save escapes', () => {
    expect(normalizeLine('\x1b[?1h\x1b=\x1b[?1l\x1b>visual-mode/orientation FAIL').text).toBe('visual-mode/orientation FAIL');
    expect(normalizeLine('\x1b(B\x1b7check_runtime_files\x1b8 done').text).toBe('check_runtime_files done');
  });

  it('removes OSC hyperlinks and cursor codes', () => {
    expect(normalizeLine('\x1b]8;;https://example.com\x07link\x1b]8;;\x07 \x1b[2K\x1b[1Gdone').text).toBe('link done');
  });
});
