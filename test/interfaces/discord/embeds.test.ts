import { describe, expect, it } from 'vitest';
import { toReplyOptions, toUpdateOptions } from '../../../src/interfaces/discord/embeds.js';

describe('toReplyOptions', () => {
  it('given an embed with buttons then it is plain API JSON, over-long parts cut to Discord limits, nobody pinged', () => {
    const options = toReplyOptions({
      content: 'hi @everyone',
      embeds: [{ title: 't'.repeat(300), url: 'https://myanimelist.net/anime/1', description: 'd', fields: [{ name: 'n', value: 'v'.repeat(1100) }], footer: 'Page 1/2' }],
      buttons: [{ customId: 'ratings:2', label: 'Next', style: 'secondary', disabled: true }],
      ephemeral: true,
    });
    expect(JSON.parse(JSON.stringify(options))).toEqual({
      content: 'hi @everyone',
      embeds: [
        {
          title: `${'t'.repeat(255)}…`,
          color: 0x2e51a2,
          url: 'https://myanimelist.net/anime/1',
          description: 'd',
          fields: [{ name: 'n', value: `${'v'.repeat(1023)}…`, inline: false }],
          footer: { text: 'Page 1/2' },
        },
      ],
      components: [{ type: 1, components: [{ type: 2, custom_id: 'ratings:2', label: 'Next', style: 2, disabled: true }] }],
      flags: 64,
      allowedMentions: { parse: [] },
    });
  });

  it('given an update without content or buttons then content and components are cleared', () => {
    expect(toUpdateOptions({ embeds: [{ title: 'x' }] })).toEqual({
      content: '',
      embeds: [{ title: 'x', color: 0x2e51a2 }],
      components: [],
      allowedMentions: { parse: [] },
    });
  });
});
