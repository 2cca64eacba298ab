"""The Helmholtz equation with a point source and the authors' perfectly matched layer (PML).

Φ: (x, y) -> (Re u, Im u). Residual, with e_x = 1 - i s_x/k, e_y = 1 - i s_y/k and s = k·a₀·(d/L)² in the PML:
    ∂ₓ(e_y/eₓ ∂ₓu) + ∂_y(eₓ/e_y ∂_y u) + eₓe_y k² m u = f,
m the squared slowness (1 in a uniform medium), f a unit-mass Gaussian source (variance σ) times its amplitude.
The coefficients are known in closed form, so the divergence terms expand to A u_xx + (∂ₓA) u_x + …, which needs
only the Hessian diagonal (forward mode). For a uniform medium u = ¼ i · amplitude · e^(−k²σ/2) · H₀⁽²⁾(k r)
away from the source (the e^(−k²σ/2) is the Gaussian's Fourier transform at k). Every medium is also solved by
finite differences (finite_difference_helmholtz), which checks the PML and is the reference for square/circle.

Under the authors' L1 loss a trained network satisfies the equation almost everywhere but leaves thin rings of
residual just outside the weighted source region (r ≈ 0.065–0.09 for the defaults): spurious ring sources of
about −0.5i·|amplitude| that L1 charges little for, and that scale the whole field by ≈ 1.18∠13°. An optional
second constraint (`flux_weight`) pins what the source radiates: Green's second identity with the regular
solution J₀(k r) of the homogeneous equation (k of the medium at the source), on a circle of random radius
ρ ∈ [source disc, flux_radius] inside the uniform medium around the source (no PML, no inclusion inside),
    ∮_{r=ρ} (J₀(kρ) ∂u/∂r + k J₁(kρ) u) ds = ∫_{r<ρ} f J₀(k r) dA = amplitude · e^(−k²σ/2),
so no annulus around the source may radiate a net monopole. It needs only Φ's value and gradient on the circle.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..errors import TorchSirenError, check_positive
from .constraint import Batch, Constraint, Problem
from .fitting import predict_grid

VELOCITIES = ("uniform", "square", "circle", "pair")
A0 = 5.0
# "pair": two inclusions of different speeds, a disc at the inclusion velocity and a slower square
PAIR_DISC, PAIR_RADIUS = (-0.13, 0.1), 0.08
PAIR_SQUARE, PAIR_HALF, PAIR_SQUARE_VELOCITY = (0.13, -0.08), 0.07, 0.8


def _box_distance(point: torch.Tensor, centre: tuple[float, float], half: float) -> float:
    """Distance from point (2,) to the boundary of the axis-aligned square of half-side `half` around centre."""
    d = (point - torch.tensor(centre)).abs() - half
    return float(-d.max()) if bool((d < 0).all()) else float(d.clamp(min=0).norm())


class Helmholtz(Problem):
    task = "helmholtz"
    headline = "rel_l2"

    def __init__(self, wavenumber: float = 20.0, velocity: str = "uniform", inclusion_velocity: float = 2.0,
                 pml_width: float = 0.5, amplitude: complex = 1 + 1j, sigma: float = 1e-4, points: int = 230 ** 2,
                 source_points: int = 100, eval_size: int = 256, device: torch.device | str = "cpu",
                 center: tuple[float, float] = (0.0, 0.0), norm: str = "l1", flux_weight: float | None = None,
                 flux_radius: float | None = None, flux_points: int = 256) -> None:
        check_positive("wavenumber", wavenumber, finite=True)
        if velocity not in VELOCITIES:
            raise TorchSirenError(f"velocity must be one of {', '.join(VELOCITIES)}, got {velocity!r}", "velocity")
        check_positive("inclusion_velocity", inclusion_velocity, finite=True)
        if norm not in ("l1", "l2"):
            raise TorchSirenError(f"norm must be l1 or l2, got {norm!r}", "norm")
        if not 0 <= pml_width < 1:
            raise TorchSirenError(f"pml_width {pml_width} leaves no domain inside [-1, 1]; use 0 <= pml_width < 1",
                                  "pml_width")
        auto_flux = flux_weight is None  # the source constraint where it applies (6-9% error, not 29%)
        flux_weight = 1.0 if auto_flux and velocity == "uniform" else (flux_weight or 0.0)
        if not 0 <= flux_weight < math.inf:
            raise TorchSirenError(f"flux_weight must be a finite number >= 0, got {flux_weight}", "flux_weight")
        self.flux_weight = float(flux_weight)
        if not max(abs(c) for c in center) < 1 - pml_width:
            raise TorchSirenError(f"the source {tuple(center)} lies in the PML; keep |x|, |y| < {1 - pml_width:g}")
        self.k, self.velocity, self.inclusion_velocity = float(wavenumber), velocity, float(inclusion_velocity)
        self.pml, self.amplitude, self.sigma = float(pml_width), complex(amplitude), float(sigma)
        self.device, self.eval_size = torch.device(device), eval_size
        self.center = torch.tensor(center, dtype=torch.float32)  # on the CPU, for NumPy; _center() on the device
        self._center_on = {self.device: self.center.to(self.device)}  # no host copy inside a step (CUDA graphs)
        self.source_k = self.k * math.sqrt(float(self.squared_slowness(self.center[None])[0]))  # medium there
        limit = min(1 - pml_width - max(abs(c) for c in center), self.uniform_radius())
        low = 5e2 * sigma
        if auto_flux and (limit < low or (flux_radius is None and min(0.45, limit) < low)):
            flux_weight = self.flux_weight = 0.0  # no room around the source for the constraint's circles
        if flux_weight > 0:
            if limit < low:
                raise TorchSirenError(f"the medium changes {self.uniform_radius():.3g} from the source, closer than "
                                      f"the source disc ({low:g}): the source constraint cannot apply; use "
                                      "flux_weight 0", "flux_weight")
            flux_radius = min(0.45, limit) if flux_radius is None else flux_radius
            if not low <= flux_radius <= limit:
                raise TorchSirenError(f"flux_radius {flux_radius} must lie in [{low:g}, {limit:.3g}]: at least the "
                                      "source disc, and no farther than the PML or a change of medium", "flux_radius")
        # the authors' weight of the source region relative to the rest (L1); under L2 its square is that weight
        self.on_weight = points / 1e3 if norm == "l1" else math.sqrt(points / 1e3)

        def sample(step: int, gen: torch.Generator) -> Batch:
            coords = torch.cat([torch.rand(points, 2, generator=gen, device=gen.device).to(self.device) * 2 - 1,
                                self.source_disc(source_points, gen)])
            return Batch(coords, {"f": self.source(coords)})

        sample.graph_safe = True  # drawn on the device: the trainer may replay the step as a CUDA graph

        def residual(fields, batch: Batch) -> torch.Tensor:
            return torch.view_as_real(self.residual(batch.coords, fields.value, fields.jacobian,
                                                    fields.hessian_diagonal, batch["f"]))

        pde = Constraint("helmholtz", sample, residual, needs=("jacobian", "hessian_diagonal"), norm=norm)
        constraints = [pde]
        if flux_weight > 0:
            self.flux_radius, self.flux_points = float(flux_radius), int(flux_points)

            def sample_flux(step: int, gen: torch.Generator) -> Batch:
                return Batch(self.flux_circle(gen))
            sample_flux.graph_safe = True

            def flux_residual(fields, batch: Batch) -> torch.Tensor:
                return torch.view_as_real(self.flux_residual(batch.coords, fields.value, fields.jacobian))[None]

            constraints.append(Constraint("source_flux", sample_flux, flux_residual, needs=("jacobian",), norm="l1",
                                          weight=flux_weight))
        super().__init__(constraints)

    # --- the physics ---------------------------------------------------------------------------------------
    def _center(self, device: torch.device) -> torch.Tensor:
        """The source position (2,) on `device`, copied there once."""
        device = torch.device(device)
        if device not in self._center_on:
            self._center_on[device] = self.center.to(device)
        return self._center_on[device]

    def source_disc(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """n points in the authors' disc of radius 5e2·σ around the source, always sampled: (n, 2)."""
        u = torch.rand(n, 2, generator=gen, device=gen.device).to(self.device)
        r, theta = 5e2 * self.sigma * u[:, :1].sqrt(), 2 * math.pi * u[:, 1:]
        return torch.cat([r * torch.cos(theta), r * torch.sin(theta)], 1) + self._center(self.device)

    def flux_circle(self, gen: torch.Generator, radius: float | None = None) -> torch.Tensor:
        """flux_points on a circle around the source of radius ρ (`radius`, else uniform in [source disc,
        flux_radius]) at equal angles with a random rotation, then ρ as a last row (ρ, 0): (n + 1, 2)."""
        n = self.flux_points
        u = torch.rand(2, n, generator=gen, device=gen.device).to(self.device)
        low = 5e2 * self.sigma
        rho = (u[1, :1] * (self.flux_radius - low) + low if radius is None
               else torch.full((1,), float(radius), device=self.device))
        theta = 2 * math.pi * (torch.arange(n, device=self.device) + u[0, :1]) / n
        circle = rho * torch.stack([torch.cos(theta), torch.sin(theta)], 1) + self._center(self.device)
        return torch.cat([circle, torch.stack([rho, torch.zeros_like(rho)], 1)])

    def flux_residual(self, coords: torch.Tensor, value: torch.Tensor, jac: torch.Tensor) -> torch.Tensor:
        """∮ (J₀(kρ) ∂u/∂r + k J₁(kρ) u) ds − amplitude·e^(−k²σ/2) on the circle of flux_circle (its coords, and
        Φ's value and Jacobian there), divided by |amplitude|: a complex scalar, 0 for the exact solution."""
        n, rho = coords.shape[0] - 1, coords[-1, 0]
        normal = (coords[:n] - self._center(coords.device)) / rho
        dudr = torch.complex((jac[:n, 0] * normal).sum(-1), (jac[:n, 1] * normal).sum(-1))
        u = torch.complex(value[:n, 0], value[:n, 1])
        k = self.source_k
        kr = k * rho
        bracket = torch.special.bessel_j0(kr) * dudr + k * torch.special.bessel_j1(kr) * u
        radiated = self.amplitude * math.exp(-k ** 2 * self.sigma / 2)
        return (2 * math.pi * rho * bracket.mean() - radiated) / abs(self.amplitude)

    def residual(self, coords: torch.Tensor, value: torch.Tensor, jac: torch.Tensor, hdiag: torch.Tensor,
                 f: torch.Tensor, slowness: torch.Tensor | None = None) -> torch.Tensor:
        """operator(u) − f, weighted where the source is non-zero (as the authors): complex (N,)."""
        hom = self.operator(coords, value, jac, hdiag, slowness)
        return torch.where(f.abs() > 0, self.on_weight * (hom - f), hom)

    def source(self, coords: torch.Tensor) -> torch.Tensor:
        """amplitude · N(center, σ) density at coords (N, 2), zero below 1e-5 (as the authors): complex (N,)."""
        d = coords - self._center(coords.device)
        g = torch.exp(-(d ** 2).sum(-1) / (2 * self.sigma)) / (2 * math.pi * self.sigma)
        g = torch.where(g < 1e-5, torch.zeros_like(g), g)
        return g * self.amplitude

    def uniform_radius(self) -> float:
        """How far from the source the medium stays as it is at the source (inf for a uniform medium)."""
        if self.velocity == "square":  # |x|, |y| < 0.3
            return _box_distance(self.center, (0.0, 0.0), 0.3)
        if self.velocity == "circle":  # r < 0.1
            return abs(float(self.center.norm()) - 0.1)
        if self.velocity == "pair":
            disc = abs(float((self.center - torch.tensor(PAIR_DISC)).norm()) - PAIR_RADIUS)
            return min(disc, _box_distance(self.center, PAIR_SQUARE, PAIR_HALF))
        return math.inf

    def squared_slowness(self, coords: torch.Tensor) -> torch.Tensor:
        inside = torch.zeros(coords.shape[0], dtype=torch.bool, device=coords.device)
        m = torch.ones(coords.shape[0], device=coords.device)
        if self.velocity == "square":
            inside = (coords.abs() < 0.3).all(-1)
        elif self.velocity == "circle":
            inside = coords.norm(dim=-1) < 0.1
        elif self.velocity == "pair":
            inside = (coords - coords.new_tensor(PAIR_DISC)).norm(dim=-1) < PAIR_RADIUS
            slow = ((coords - coords.new_tensor(PAIR_SQUARE)).abs() < PAIR_HALF).all(-1)
            m = torch.where(slow, m / PAIR_SQUARE_VELOCITY ** 2, m)
        return torch.where(inside, m / self.inclusion_velocity ** 2, m)

    def _stretch(self, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """PML stretch e = 1 - i s/k along one axis and its derivative de/dc, c (N,)."""
        inner = 1.0 - self.pml
        lo, hi = (-(c + inner)).clamp(min=0), (c - inner).clamp(min=0)  # distances into the PML
        if self.pml > 0:
            s = self.k * A0 * (lo ** 2 + hi ** 2) / self.pml ** 2
            ds = self.k * A0 * 2 * (hi - lo) / self.pml ** 2
        else:
            s = ds = torch.zeros_like(c)
        return torch.complex(torch.ones_like(s), -s / self.k), torch.complex(torch.zeros_like(ds), -ds / self.k)

    def operator(self, coords: torch.Tensor, value: torch.Tensor, jac: torch.Tensor, hdiag: torch.Tensor,
                 slowness: torch.Tensor | None = None) -> torch.Tensor:
        """∂ₓ(A ∂ₓu) + ∂_y(B ∂_y u) + C k² m u from Φ's value (N, 2), Jacobian (N, 2, 2), Hessian diagonal (N, 2, 2);
        m is the medium's squared slowness unless `slowness` (N,) gives another (the inverse problem's)."""
        u = torch.complex(value[:, 0], value[:, 1])
        ux, uy = torch.complex(jac[:, 0, 0], jac[:, 1, 0]), torch.complex(jac[:, 0, 1], jac[:, 1, 1])
        uxx, uyy = torch.complex(hdiag[:, 0, 0], hdiag[:, 1, 0]), torch.complex(hdiag[:, 0, 1], hdiag[:, 1, 1])
        ex, dex = self._stretch(coords[:, 0])
        ey, dey = self._stretch(coords[:, 1])
        a, b = ey / ex, ex / ey
        da_dx, db_dy = -ey * dex / ex ** 2, -ex * dey / ey ** 2
        m = self.squared_slowness(coords) if slowness is None else slowness
        return a * uxx + da_dx * ux + b * uyy + db_dy * uy + ex * ey * self.k ** 2 * m * u

    def closed_form(self, coords: np.ndarray) -> np.ndarray:
        """u = ¼ i · amplitude · e^(−k²σ/2) · H₀⁽²⁾(k r) for a uniform medium (complex, coords (N, 2)): the field of
        the Gaussian source outside it (its far field is the point source's times the Gaussian's transform)."""
        from scipy.special import hankel2
        r = np.linalg.norm(coords - self.center.numpy(), axis=-1)
        gaussian = math.exp(-self.k ** 2 * self.sigma / 2)
        return 0.25j * self.amplitude * gaussian * hankel2(0, self.k * np.maximum(r, 1e-6))

    def reference(self, n: int) -> np.ndarray:
        """The finite-difference solution on an n×n grid (cached): complex (n, n)."""
        cache = self.__dict__.setdefault("_fd", {})
        if n not in cache:
            cache[n] = finite_difference_helmholtz(self, n)
        return cache[n]

    # --- judging and reporting --------------------------------------------------------------------------------
    def _interior(self) -> tuple[np.ndarray, np.ndarray]:
        """Grid points outside the PML and away from the source (where a Gaussian of std √σ differs from a point)."""
        coords = grid((self.eval_size, self.eval_size)).numpy()
        r = np.linalg.norm(coords - self.center.numpy(), axis=-1)
        keep = (np.abs(coords) <= 1 - self.pml).all(-1) & (r > 0.05)
        return coords, keep

    def field(self, model: nn.Module) -> np.ndarray:
        out = predict_grid(model, (self.eval_size, self.eval_size), self.device).cpu().numpy()
        return (out[..., 0] + 1j * out[..., 1]).reshape(-1)

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        coords, keep = self._interior()
        if self.velocity == "uniform":
            ref = self.closed_form(coords[keep])
        else:  # no closed form: finite differences at twice the resolution, every other node
            ref = self.reference(2 * self.eval_size - 1)[::2, ::2].reshape(-1)[keep]
        u = self.field(model)[keep]
        alpha = np.vdot(u, ref) / max(np.vdot(u, u).real, 1e-30)  # the best complex factor (diagnostic only)
        return {"rel_l2": float(np.linalg.norm(u - ref) / np.linalg.norm(ref)),
                "mse": float(np.mean(np.abs(u - ref) ** 2)),
                "rel_l2_after_complex_scale": float(np.linalg.norm(alpha * u - ref) / np.linalg.norm(ref)),
                "best_scale_abs": float(abs(alpha)), "best_scale_phase_deg": float(np.degrees(np.angle(alpha)))}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.fields import save_complex_field
        n = self.eval_size
        u = self.field(model).reshape(n, n)
        pictures = save_complex_field(Path(out_dir), "field", u, "SIREN")
        metrics: dict[str, Any] = {"wavenumber": self.k, "velocity": self.velocity, "pml_width": self.pml}
        if self.velocity == "uniform":
            coords, _ = self._interior()
            ref, stem, title = self.closed_form(coords).reshape(n, n), "closed_form", "closed form ¼i·s·H₀⁽²⁾(kr)"
            kind = "closed form"
        else:
            ref, stem, title = self.reference(2 * n - 1)[::2, ::2], "finite_differences", "finite differences"
            kind = f"finite differences, 5-point stencil, {2 * n - 1}² nodes"
        pictures |= save_complex_field(Path(out_dir), stem, ref, title, scale_like=u)
        metrics |= self.evaluate(model) | {"error_region": f"|x|,|y| <= {1 - self.pml}, r > 0.05", "reference": kind}
        self.pictures = pictures
        return metrics


@dataclass
class FDSystem:
    """The 5-point finite-difference Helmholtz operator of a problem on the n×n node grid of [-1, 1]², split as
    L + diag(coefficient · m): `laplacian` L (sparse CSC, n²×n², PML included; identity rows on the border, where
    u = 0), `coefficient` C k² per node (complex, 0 on the border), `nodes` (n², 2) their coordinates, row-major."""

    n: int
    laplacian: Any
    coefficient: np.ndarray
    nodes: np.ndarray

    def matrix(self, m: np.ndarray) -> Any:
        """L + diag(coefficient · m) for the squared slowness m (n²,) at the nodes."""
        from scipy.sparse import diags
        return (self.laplacian + diags(self.coefficient * m)).tocsc()


def fd_system(problem: Helmholtz, n: int) -> FDSystem:
    """problem's operator ∂ₓ(A∂ₓu) + ∂_y(B∂_yu) + C k² m u with the 5-point stencil on the n×n grid, u = 0 on the
    border (inside the PML); the coefficients A = e_y/eₓ, B = eₓ/e_y are taken at half nodes."""
    from scipy.sparse import coo_matrix
    h = 2.0 / (n - 1)
    axis = np.linspace(-1.0, 1.0, n)
    half = (axis[:-1] + axis[1:]) / 2

    def stretch(c: np.ndarray) -> np.ndarray:
        return problem._stretch(torch.from_numpy(c).double())[0].numpy()

    e_node, e_half = stretch(axis), stretch(half)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(1, n - 1), np.arange(1, n - 1), indexing="ij"))
    a_plus, a_minus = e_node[j] / e_half[i], e_node[j] / e_half[i - 1]  # A at (i ± ½, j)
    b_plus, b_minus = e_node[i] / e_half[j], e_node[i] / e_half[j - 1]  # B at (i, j ± ½)
    centre = -(a_plus + a_minus + b_plus + b_minus) / h ** 2
    p = i * n + j
    border = np.flatnonzero(~np.pad(np.ones((n - 2, n - 2), bool), 1))
    rows = np.concatenate([p, p, p, p, p, border])
    cols = np.concatenate([p + n, p - n, p + 1, p - 1, p, border])
    vals = np.concatenate([a_plus / h ** 2, a_minus / h ** 2, b_plus / h ** 2, b_minus / h ** 2, centre,
                           np.ones(border.size)])
    coefficient = np.zeros(n * n, complex)
    coefficient[p] = e_node[i] * e_node[j] * problem.k ** 2
    nodes = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    return FDSystem(n, coo_matrix((vals, (rows, cols)), shape=(n * n, n * n)).tocsc(), coefficient, nodes)


def finite_difference_helmholtz(problem: Helmholtz, n: int) -> np.ndarray:
    """Solve problem's equation (PML, medium and source as the problem has them) on the n×n grid of [-1, 1]² by a
    sparse direct solve of fd_system: complex (n, n)."""
    from scipy.sparse.linalg import spsolve
    system = fd_system(problem, n)
    nodes = torch.from_numpy(system.nodes)
    m = problem.squared_slowness(nodes.float()).double().numpy()
    rhs = problem.source(nodes).numpy().astype(complex)
    rhs[system.coefficient == 0] = 0  # the border
    return spsolve(system.matrix(m), rhs).reshape(n, n)
