// Labeling configs as Label Studio's templates write them: the image tag, the controls on it and their labels.
import { describe, expect, it } from 'vitest';
import { parseLabelConfig } from './label-config.js';

describe('parseLabelConfig', () => {
  it("reads the SAM template's brush, keypoint and rectangle controls", () => {
    const config = parseLabelConfig(`<View>
  <Image name="image" value="$image" zoom="true"/>
  <BrushLabels name="tag" toName="image">
    <Label value="Banana" background="#FF0000"/>
    <Label value="Orange" background="#0d14d3"/>
  </BrushLabels>
  <KeyPointLabels name="tag2" toName="image" smart="true">
    <Label value="Banana" smart="true" background="#000000" showInline="true"/>
  </KeyPointLabels>
  <RectangleLabels name="tag3" toName="image" smart="true">
    <Label value="Banana" background="#000000" showInline="true"/>
  </RectangleLabels>
</View>`);
    expect(config.image).toEqual({ name: 'image', dataKey: 'image' });
    expect(config.controls).toEqual([
      { kind: 'brush', name: 'tag', toName: 'image', labels: ['Banana', 'Orange'] },
      { kind: 'keypoint', name: 'tag2', toName: 'image', labels: ['Banana'] },
      { kind: 'rectangle', name: 'tag3', toName: 'image', labels: ['Banana'] },
    ]);
  });

  it('finds controls nested in views and a single label', () => {
    const config = parseLabelConfig(
      '<View><View><Image name="img" value="$url"/></View><View><PolygonLabels name="p" toName="img"><Label value="car"/></PolygonLabels></View></View>',
    );
    expect(config).toEqual({
      image: { name: 'img', dataKey: 'url' },
      controls: [{ kind: 'polygon', name: 'p', toName: 'img', labels: ['car'] }],
    });
  });

  it('refuses configs without an image or a segmenting control, and broken XML, naming label_config', () => {
    for (const xml of [
      '<View><Text name="t" value="$text"/></View>',
      '<View><Image name="i" value="$i"/><Choices name="c" toName="i"><Choice value="a"/></Choices></View>',
      '<View><Image name="i" value="$i"/><BrushLabels name="b" toName="i">',
      '',
    ])
      expect(() => parseLabelConfig(xml)).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ field: 'label_config' }) }),
      );
  });
});
