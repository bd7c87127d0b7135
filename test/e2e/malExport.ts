/** A MyAnimeList list export as myanimelist.net/panel.php?go=export writes it. */
export function malExport(entries: { id: number; title: string; score: number; status: string }[]): string {
  const anime = entries
    .map(
      (e) => `  <anime>
    <series_animedb_id>${e.id}</series_animedb_id>
    <series_title><![CDATA[${e.title}]]></series_title>
    <series_type>TV</series_type>
    <my_score>${e.score}</my_score>
    <my_status>${e.status}</my_status>
  </anime>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" ?>
<myanimelist>
  <myinfo>
    <user_name>someone</user_name>
    <user_export_type>1</user_export_type>
  </myinfo>
${anime}
</myanimelist>
`;
}
