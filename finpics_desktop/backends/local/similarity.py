"""How alike two face vectors are, on Rekognition's 0-100 scale, for each engine the local index
has known: SFace's cosine (measured cut 0.42 = 80) and dlib's distance (``100 - 50 * d**2``).
Vectors of different engines are never compared: each face and each user vector is scored only
against those of its own engine.

A *user vector* (Rekognition's, for ``SearchUsers``) is the mean of a person's face vectors of
one engine: SFace's vectors are unit vectors and compared by angle, so their mean is used as a
direction; dlib's are compared by distance, so their mean is used as it is. A mean is nearer
to every face, the person's and others' alike (a face's cosine to the mean of 3 faces of the
same person is 0.48 or more here, to another person's up to 0.43), so a face is compared with
a user vector on a scale of its own, whose 80 is the measured cut for means (:data:`USER_CUT`),
as Rekognition's SearchUsers has its own similarity."""

from __future__ import annotations

import numpy as np

from finpics_desktop.backends.local.engine import MIRROR_VERSION, SINGLE_VERSION

DLIB_VERSION = "dlib-resnet-v1"  # the engine before SFace: its faces stay searchable among
#                                  themselves until ``reindex`` replaces them
SFACE_CUT = 0.42  # SFace cosine at similarity 80 (README, "Face matching", has the measurements)
USER_CUT = 0.45  # SFace cosine of a face to a user vector at similarity 80 (README, "People")


def sface_from_cosine(cosine: np.ndarray, cut: float = SFACE_CUT) -> np.ndarray:
    """SFace's cosine on Rekognition's scale: the measured ``cut`` is 80 (the default
    threshold), cosine 1 is 100, 0 (unrelated faces) or less is 0; linear between."""
    return np.clip(np.where(cosine >= cut, 80.0 + (20.0 / (1.0 - cut)) * (cosine - cut),
                            (80.0 / cut) * cosine), 0.0, 100.0)


def dlib_from_squared(squared: np.ndarray) -> np.ndarray:
    """dlib's descriptors: ``100 - 50 * d**2`` for their distance ``d`` (80 is d = 0.632)."""
    return np.clip(100.0 - 50.0 * np.maximum(squared, 0.0), 0.0, 100.0)


def products(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Each row's dot product with ``query``: numpy's own loop on one core, not BLAS's threads
    (which, on a laptop's 2 busy cores, wait on each other: 3-4x slower at 150,000 faces)."""
    return np.einsum("ij,j->i", vectors, query.astype(vectors.dtype, copy=False))


def sface_hits(vectors: np.ndarray, norms: np.ndarray, query: np.ndarray,
               threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose :func:`sface_scores` is at least ``threshold`` -- scored only where the
    cosine is near or above the threshold's (the same elementwise values :func:`sface_scores`
    gives those rows): (rows ascending, their similarities). One pass over the matrix (the dot
    products) and one over them: a row can be near only if its product reaches the threshold's
    cosine times the shortest row's length (a little lower, for rounding); the cosines and
    similarities are then computed for those rows only."""
    product = products(vectors, query)
    length = np.linalg.norm(query)
    low = sface_cosine(threshold) - 1e-4 if threshold > 0.0 else -1.0
    if low > 1e-4 and len(norms):  # (else every row is near enough to be scored)
        near = np.flatnonzero(product >= (low - 1e-4) * float(length) * float(norms.min()))
    else:
        near = np.arange(len(product))
    cosine = product[near] / np.maximum(norms[near] * length, 1e-12)
    if threshold > 0.0:
        near, cosine = near[cosine >= low], cosine[cosine >= low]
    similarity = sface_from_cosine(cosine)
    keep = similarity >= threshold
    return near[keep], similarity[keep]


def sface_scores(vectors: np.ndarray, norms: np.ndarray, query: np.ndarray) -> np.ndarray:
    cosine = products(vectors, query) / np.maximum(norms * np.linalg.norm(query), 1e-12)
    return sface_from_cosine(cosine)


def dlib_scores(vectors: np.ndarray, norms: np.ndarray, query: np.ndarray) -> np.ndarray:
    return dlib_from_squared(norms**2 - 2.0 * products(vectors, query) + float(query @ query))


def sface_similarity(vectors: np.ndarray, norms: np.ndarray, index: int) -> np.ndarray:
    """:func:`sface_scores` of row ``index`` against every row."""
    return sface_scores(vectors, norms, vectors[index])


def dlib_similarity(vectors: np.ndarray, norms: np.ndarray, index: int) -> np.ndarray:
    """:func:`dlib_scores` of row ``index`` against every row."""
    return dlib_scores(vectors, norms, vectors[index])


SCORES = {MIRROR_VERSION: sface_scores, SINGLE_VERSION: sface_scores, DLIB_VERSION: dlib_scores}


def scores(version: str, vectors: np.ndarray, norms: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The similarity (0-100) of ``query`` to each row, both of engine ``version``."""
    return SCORES.get(version, sface_scores)(vectors, norms, query)


def user_scores(version: str, users: np.ndarray, norms: np.ndarray,
                query: np.ndarray) -> np.ndarray:
    """The similarity (0-100) of face vector ``query`` to each user vector (rows)."""
    if version == DLIB_VERSION:
        return dlib_scores(users, norms, query)
    cosine = (users @ query) / np.maximum(norms * np.linalg.norm(query), 1e-12)
    return sface_from_cosine(cosine, USER_CUT)


def block_scores(version: str, vectors: np.ndarray, norms: np.ndarray,
                 rows: np.ndarray) -> np.ndarray:
    """The similarities of the vectors at ``rows`` (a row each) to every vector: one matrix
    product for many searches."""
    products = vectors[rows] @ vectors.T
    if version == DLIB_VERSION:
        return dlib_from_squared(norms[rows, None] ** 2 - 2.0 * products + norms[None, :] ** 2)
    return sface_from_cosine(products / np.maximum(norms[rows, None] * norms[None, :], 1e-12))


def similar_pairs(version: str, vectors: np.ndarray, norms: np.ndarray, rows: np.ndarray,
                  threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of (a vector at ``rows``, any vector) at least ``threshold`` alike, as
    :func:`block_scores` scores them, without scoring the pairs below: (position in ``rows``,
    the other's row, similarity), by position."""
    products = vectors[rows] @ vectors.T
    if version == DLIB_VERSION:
        similarity = dlib_from_squared(norms[rows, None] ** 2 - 2.0 * products
                                       + norms[None, :] ** 2)
        at, other = np.nonzero(similarity >= threshold)
        return at, other, similarity[at, other]
    lengths = np.multiply.outer(norms[rows], norms)  # (in place: no more matrices than needed)
    products /= np.maximum(lengths, 1e-12, out=lengths)
    # similarity grows with the cosine: pairs from a cosine a little below the threshold's,
    # then scored and cut exactly as a search does
    found = np.flatnonzero(products >= sface_cosine(threshold) - 1e-4)  # (quicker than 2-D)
    at, other = np.divmod(found, products.shape[1])
    similarity = sface_from_cosine(products.ravel()[found])
    keep = similarity >= threshold
    return at[keep], other[keep], similarity[keep]


def user_vector(version: str, vectors: np.ndarray) -> np.ndarray:
    """The user vector of a person's face vectors (rows) of engine ``version``."""
    mean = vectors.mean(axis=0)
    if version == DLIB_VERSION:
        return mean.astype(np.float32)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def sface_cosine(similarity: float, cut: float = SFACE_CUT) -> float:
    """The SFace cosine whose similarity is ``similarity`` (:func:`sface_from_cosine`'s inverse
    between 0 and 100)."""
    if similarity >= 80.0:
        return cut + (similarity - 80.0) * (1.0 - cut) / 20.0
    return similarity * cut / 80.0


def alike_rows(version: str, vectors: np.ndarray, norms: np.ndarray, rows: np.ndarray,
               threshold: float, max_faces: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each vector at ``rows``: the rows of the vectors at least ``threshold`` alike to it
    (never itself), the best ``max_faces`` of them, and their similarities rounded as a search
    gives them (:func:`similar_pairs`)."""
    at, alike, similarity = similar_pairs(version, vectors, norms, rows, threshold)
    keep = alike != rows[at]  # never the searched face itself
    at, alike, similarity = at[keep], alike[keep], similarity[keep]
    bounds = np.searchsorted(at, np.arange(len(rows) + 1))
    found = []
    for n in range(len(rows)):
        mine, values = alike[bounds[n]:bounds[n + 1]], similarity[bounds[n]:bounds[n + 1]]
        if len(mine) > max_faces:  # the best max_faces of many
            best = np.argpartition(-values, max_faces - 1)[:max_faces]
            mine, values = mine[best], values[best]
        found.append((mine, np.round(values, 4)))
    return found


def best_of(found: list[tuple[np.ndarray, np.ndarray]], size: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """The rows (of ``size``) of several :func:`alike_rows` answers, each once, at its best
    similarity (every similarity found is above 0), by row."""
    best = np.zeros(size, np.result_type(*(s for _, s in found)) if found else np.float32)
    for rows, similarity in found:
        np.maximum.at(best, rows, similarity)
    rows = np.flatnonzero(best)
    return rows, best[rows]
