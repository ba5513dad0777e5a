import { pathToFileURL } from 'node:url';

export { MAVEN_DEPS_DIR } from '../layout';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Maven settings.xml that resolves everything from the fetched repository: a mirror of `*`
 * pointing at it, so a build can only use what the lockfile declared. Use it with
 * `mvn -s <file>` (Maven copies from it into its local repository), or skip it and point Maven's
 * local repository at the folder: `mvn -o -Dmaven.repo.local=<folder>`.
 */
export function mavenSettingsXml(repositoryDir: string): string {
  const url = pathToFileURL(repositoryDir).href;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by Hermetic: resolves every artifact from the verified, lockfile-declared repository
     at ${xml(repositoryDir)}. Usage: mvn -s <this file> ...  (or: mvn -o -Dmaven.repo.local=<that folder>) -->
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.2.0 https://maven.apache.org/xsd/settings-1.2.0.xsd">
  <mirrors>
    <mirror>
      <id>hermetic</id>
      <name>Hermetic verified dependencies</name>
      <mirrorOf>*</mirrorOf>
      <url>${xml(url)}</url>
    </mirror>
  </mirrors>
</settings>
`;
}
