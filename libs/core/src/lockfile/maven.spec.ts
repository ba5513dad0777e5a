import { mavenFileName, mavenUrl } from './maven';
import { MavenCoordinates } from './types';

const ant: MavenCoordinates = {
  repositoryUrl: 'https://repo1.maven.org/maven2',
  groupId: 'org.apache.ant',
  artifactId: 'ant-launcher',
  version: '1.10.14',
  classifier: '',
  type: 'jar',
};

describe('Maven URL assembly', () => {
  it('builds the repository URL as Hermeto does', () => {
    expect(mavenUrl(ant)).toBe('https://repo1.maven.org/maven2/org/apache/ant/ant-launcher/1.10.14/ant-launcher-1.10.14.jar');
    expect(mavenUrl({ ...ant, repositoryUrl: 'https://repo1.maven.org/maven2/' })).toBe(mavenUrl(ant));
  });

  it.each([
    ['pom', 'pom'],
    ['jar', 'jar'],
    ['maven-plugin', 'jar'],
    ['ear', 'ear'],
    ['ejb', 'jar'],
    ['ejb-client', 'jar'],
    ['javadoc', 'jar'],
    ['javadoc-source', 'jar'],
    ['rar', 'rar'],
    ['test-jar', 'jar'],
    ['war', 'war'],
    ['zip', 'zip'],
    ['tar.gz', 'tar.gz'],
  ])('maps type %s to extension .%s', (type, ext) => {
    expect(mavenFileName({ ...ant, type })).toBe(`ant-launcher-1.10.14.${ext}`);
  });

  it('adds the classifier; test-jar does not imply "tests" (upstream parity)', () => {
    expect(mavenFileName({ ...ant, classifier: 'sources', type: 'test-jar' })).toBe('ant-launcher-1.10.14-sources.jar');
    expect(mavenFileName({ ...ant, type: 'test-jar' })).toBe('ant-launcher-1.10.14.jar');
  });
});
