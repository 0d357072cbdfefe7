import { baseJobName, extractGlobalKeywords, extractJobDefinition, junitReportPaths, parseCiConfig } from './ci-config';

const CI = `stages: [build, test]

.ruby:
  image: ruby:3.3
  artifacts:
    reports:
      junit: rspec.xml

# unit tests
rspec:
  extends: .ruby
  stage: test
  parallel: 3
  script:
    - !reference [.setup, script]
    - bundle exec rspec

build:
  stage: build
  script: make
  artifacts:
    reports:
      junit:
        - "reports/*.xml"
`;

describe('ci config', () => {
  const config = parseCiConfig(CI);

  it('maps parallel and matrix job names to their definition', () => {
    expect(baseJobName('rspec 2/3')).toBe('rspec');
    expect(baseJobName('build: [linux, amd64]')).toBe('build');
    expect(baseJobName('lint')).toBe('lint');
  });

  it('returns the job as written with the template it extends', () => {
    const def = extractJobDefinition(config!, 'rspec 1/3');
    expect(def).toContain('rspec:\n  extends: .ruby');
    expect(def).toContain('!reference [.setup, script]');
    expect(def).toContain('.ruby:\n  image: ruby:3.3');
    expect(def).not.toContain('build:');
  });

  it('is null for a job not in the file and for text that is not a mapping', () => {
    expect(extractJobDefinition(config!, 'deploy')).toBeNull();
    expect(parseCiConfig('- a\n- b\n')).toBeNull();
    expect(parseCiConfig('a: [unclosed\n')).toBeNull();
  });

  it('keeps the keywords that shape every job, not stages, workflow or jobs', () => {
    const withGlobals = parseCiConfig(
      `stages: [test]\nworkflow:\n  name: mr\nvariables:\n  RAILS_ENV: test\ndefault:\n  image: ruby:3.3\nrspec:\n  script: rspec\n`,
    )!;
    expect(extractGlobalKeywords(withGlobals)).toBe('default:\n  image: ruby:3.3\n\nvariables:\n  RAILS_ENV: test');
    expect(extractGlobalKeywords(config!)).toBeNull();
  });

  it('finds inherited JUnit paths and skips globs', () => {
    expect(junitReportPaths(config!, 'rspec 1/3')).toEqual(['rspec.xml']);
    expect(junitReportPaths(config!, 'build')).toEqual([]);
  });
});
