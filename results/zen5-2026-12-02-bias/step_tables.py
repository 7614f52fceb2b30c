import json, re, statistics, glob
import sys
O=sys.argv[1]  # the run's output folder
def step_median(f):
    for l in open(f):
        m=re.match(r'step: median ([\d.]+) ms', l)
        if m: return float(m.group(1))
def pt_median(f):
    for l in open(f):
        m=re.search(r'pytorch tuned: median ([\d.]+) ms', l)
        if m: return float(m.group(1))
roofs={x['threads']:x for x in json.load(open(O+'/roofs.json'))['roofs']}
for t in (1,2):
    F=roofs[t]['fma_peak_gflops']; D=roofs[t]['dram_gbs']
    roof=193.2/F*1e3 + 3.98/D*1e3
    names=sorted(set(re.match(r'.*step_d12auto_(\w)_SkylakeX_%dt.txt'%t,f).group(1) for f in glob.glob(O+'/step_d12auto_*_SkylakeX_%dt.txt'%t)))
    rat=[]; aut=[]; pts=[]
    for n in names:
        a=step_median(O+'/step_d12auto_%s_SkylakeX_%dt.txt'%(n,t)); p=pt_median(O+'/pytorch_d12_%s_%dt.txt'%(n,t))
        aut.append(a); pts.append(p); rat.append(p/a)
    print('%dt roofs F=%.1f D=%.1f issue roofline %.1f ms'%(t,F,D,roof))
    print('  auto', aut, ' pytorch', pts)
    print('  ratios', ['%.2f'%r for r in rat], 'median %.3f'%statistics.median(rat))
    print('  auto/roofline %.2f-%.2f'%(min(aut)/roof, max(aut)/roof))
    # printed roofline
    for n in names[:1]:
        for l in open(O+'/step_d12auto_%s_SkylakeX_%dt.txt'%(n,t)):
            if 'roofline' in l.lower() or 'RSS' in l: print('  ', l.strip())
for shape in ('t1024','d24'):
    for t in (1,2):
        if not glob.glob(O+'/step_%sauto_SkylakeX_%dt.txt'%(shape,t)): continue
        a=step_median(O+'/step_%sauto_SkylakeX_%dt.txt'%(shape,t)); p=pt_median(O+'/pytorch_%s_%dt.txt'%(shape,t))
        fl=None
        for l in open(O+'/step_%sauto_SkylakeX_%dt.txt'%(shape,t)):
            m=re.match(r'work: ([\d.]+) GFLOP',l)
            if m: fl=float(m.group(1))
        F=roofs[t]['fma_peak_gflops']; D=roofs[t]['dram_gbs']
        adam_gb = 3.98 if shape=='t1024' else None
        print(shape, t, 'auto %.1f pytorch %.1f ratio %.2f  flops %.1f GFLOP -> %.1f ms at peak'%(a,p,p/a,fl,fl/F*1e3))
