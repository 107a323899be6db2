//go:build ignore

// portcost times what one window of Silero VAD v5 (16 kHz) would cost in plain Go: the same
// layers with the shapes the ONNX model has (random weights: only the arithmetic is measured),
// written as a first port would be, float32 loops over contiguous rows, no assembly, no
// goroutines. It prints the time per 32 ms window and per hour of audio on one CPU.
//
//	go run scripts/silero-measure/portcost.go
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"time"
)

// conv1d is a Conv1d with its weights as rows of in*k, and a scratch column for one output step.
type conv1d struct {
	in, out, k, stride, pad int
	w                       []float32 // [out][in*k]
	b                       []float32
	col                     []float32
}

func newConv(r *rand.Rand, in, out, k, stride, pad int) *conv1d {
	c := &conv1d{in: in, out: out, k: k, stride: stride, pad: pad, w: make([]float32, out*in*k), b: make([]float32, out), col: make([]float32, in*k)}
	for i := range c.w {
		c.w[i] = float32(r.NormFloat64() * 0.05)
	}
	return c
}

// apply maps x [in][t] to [out][t'] (zero padding), ReLU if relu.
func (c *conv1d) apply(x [][]float32, relu bool) [][]float32 {
	t := len(x[0])
	tOut := (t+2*c.pad-c.k)/c.stride + 1
	y := make([][]float32, c.out)
	for o := range y {
		y[o] = make([]float32, tOut)
	}
	for j := 0; j < tOut; j++ {
		for i := 0; i < c.in; i++ {
			for kk := 0; kk < c.k; kk++ {
				p := j*c.stride + kk - c.pad
				v := float32(0)
				if p >= 0 && p < t {
					v = x[i][p]
				}
				c.col[i*c.k+kk] = v
			}
		}
		for o := 0; o < c.out; o++ {
			s := c.b[o]
			row := c.w[o*c.in*c.k : (o+1)*c.in*c.k]
			for i, v := range c.col {
				s += row[i] * v
			}
			if relu && s < 0 {
				s = 0
			}
			y[o][j] = s
		}
	}
	return y
}

type model struct {
	stft               *conv1d // 258 filters of 256 (real and imaginary parts of 129 bins), stride 128
	enc                [4]*conv1d
	wih, whh, bih, bhh []float32 // LSTM cell, 4 gates of 128
	h, c               []float32
	dec                []float32
}

func newModel() *model {
	r := rand.New(rand.NewPCG(1, 2))
	m := &model{stft: newConv(r, 1, 258, 256, 128, 0)}
	m.enc[0] = newConv(r, 129, 128, 3, 1, 1)
	m.enc[1] = newConv(r, 128, 64, 3, 2, 1)
	m.enc[2] = newConv(r, 64, 64, 3, 2, 1)
	m.enc[3] = newConv(r, 64, 128, 3, 1, 1)
	rnd := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * 0.05)
		}
		return v
	}
	m.wih, m.whh, m.bih, m.bhh = rnd(512*128), rnd(512*128), rnd(512), rnd(512)
	m.h, m.c, m.dec = make([]float32, 128), make([]float32, 128), rnd(128)
	return m
}

func sigmoid(x float32) float32 { return 1 / (1 + float32(math.Exp(float64(-x)))) }

// window runs one 576-sample window (64 of context and 512 new) and returns the probability.
func (m *model) window(x []float32) float32 {
	padded := make([]float32, len(x)+64)
	copy(padded, x)
	for i := 0; i < 64; i++ { // reflect on the right
		padded[len(x)+i] = x[len(x)-2-i]
	}
	spec := m.stft.apply([][]float32{padded}, false) // [258][4]
	mag := make([][]float32, 129)
	for b := range mag {
		mag[b] = make([]float32, len(spec[0]))
		for t := range mag[b] {
			re, im := spec[b][t], spec[b+129][t]
			mag[b][t] = float32(math.Sqrt(float64(re*re + im*im)))
		}
	}
	y := mag
	for _, c := range m.enc {
		y = c.apply(y, true)
	}
	in := make([]float32, 128)
	for i := range in {
		in[i] = y[i][0]
	}
	gates := make([]float32, 512)
	for g := 0; g < 512; g++ {
		s := m.bih[g] + m.bhh[g]
		wi, wh := m.wih[g*128:(g+1)*128], m.whh[g*128:(g+1)*128]
		for i := 0; i < 128; i++ {
			s += wi[i]*in[i] + wh[i]*m.h[i]
		}
		gates[g] = s
	}
	for i := 0; i < 128; i++ { // ONNX gate order i, o, f, c
		ig, og, fg := sigmoid(gates[i]), sigmoid(gates[128+i]), sigmoid(gates[256+i])
		cg := float32(math.Tanh(float64(gates[384+i])))
		m.c[i] = fg*m.c[i] + ig*cg
		m.h[i] = og * float32(math.Tanh(float64(m.c[i])))
	}
	s := float32(0)
	for i, v := range m.h {
		s += m.dec[i] * max(v, 0)
	}
	return sigmoid(s)
}

func main() {
	m := newModel()
	x := make([]float32, 576)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range x {
		x[i] = float32(r.NormFloat64() * 0.1)
	}
	for i := 0; i < 200; i++ { // warm up
		m.window(x)
	}
	// CPU time, not wall time: the machine may be shared, and an hour of audio costs CPU.
	const n = 5000
	cpu0, start := cpuTime(), time.Now()
	var sink float32
	for i := 0; i < n; i++ {
		sink += m.window(x)
	}
	per, wall := (cpuTime()-cpu0)/n, time.Since(start)/n
	perHour := per * time.Duration(3600*16000/512)
	fmt.Printf("plain Go Silero v5: %.0f µs CPU a 32 ms window (wall %.0f µs), %.1f CPU s an hour of audio (%.0f× real time) [%g]\n",
		float64(per)/1e3, float64(wall)/1e3, perHour.Seconds(), 3600/perHour.Seconds(), sink/n)
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
