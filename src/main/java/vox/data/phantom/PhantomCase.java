package vox.data.phantom;

import vox.data.Volume;

/**
 * One generated phantom patient.
 *
 * @param seed         the seed it was drawn from
 * @param image        CT in Hounsfield units (integers in [-1024, 3071])
 * @param labels       class ids on the same grid: 0 background,
 *                     1 esophagus, 2 heart, 3 trachea, 4 aorta
 * @param noiseSigmaHu standard deviation of the noise that was added
 */
public record PhantomCase(long seed, Volume image, Volume labels,
        double noiseSigmaHu) {
}
