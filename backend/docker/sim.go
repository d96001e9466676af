package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/simimage"
)

// LabelSimulated marks the agent-server emulator image that `ohdash sim`
// makes; containers inherit their image's labels, so every simulated
// sandbox carries it and `ohdash sim down` removes exactly those.
const LabelSimulated = "ohdash.simulated"

// SimImageRepo is the repository of that image; the tests' agentsim image
// has another, so neither borrows the other's labels.
const SimImageRepo = "ohdash-simulated-agent-server"

// ImportSimImage makes (or finds) the emulator image for bin, a static
// Linux agentsim binary, on this backend's engine, labelled
// LabelSimulated. made reports whether it was imported now.
func (b *Backend) ImportSimImage(ctx context.Context, bin []byte) (ref string, made bool, err error) {
	ref, made, err = simimage.Ensure(ctx, b.cli, SimImageRepo, bin, map[string]string{LabelSimulated: "agentsim"})
	if err != nil {
		return "", false, engineErr("emulator image", "", err)
	}
	return ref, made, nil
}

// EngineArch is the engine's CPU architecture as Go names it (amd64,
// arm64), so the emulator is built for the engine, not for this machine.
func (b *Backend) EngineArch(ctx context.Context) (string, error) {
	res, err := b.cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return "", engineErr("engine info", "", err)
	}
	switch a := res.Info.Architecture; a {
	case "x86_64", "amd64":
		return "amd64", nil
	case "aarch64", "arm64":
		return "arm64", nil
	case "":
		return "", fmt.Errorf("engine info: no architecture reported")
	default:
		return a, nil
	}
}
