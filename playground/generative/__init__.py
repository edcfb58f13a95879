"""Generative models on 2D data: target distributions, a GAN trained live, and quality
measures shared by every generative model (modes covered, high-quality share, MMD)."""
